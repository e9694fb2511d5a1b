/**
 * Per-worker admission limit (MAX_OPEN_STREAMS): a worker that takes more streams than its
 * hardware can decode in real time makes every session late, so it refuses the next one with
 * RESOURCE_EXHAUSTED and the client tries another worker.
 */

export interface AdmissionSlot {
  /** Idempotent: a stream that ends several ways (cancel + error) frees its slot once. */
  release(): void;
}

export interface Admission {
  readonly limit: number;
  readonly active: number;
  /** A slot, or undefined when the worker is full. */
  tryAcquire(): AdmissionSlot | undefined;
  /** Resolves when no slot is held (used by drain). */
  idle(): Promise<void>;
}

export function createAdmission(limit: number): Admission {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`admission limit must be a positive integer, got ${limit}`);
  let active = 0;
  let idleWaiters: Array<() => void> = [];

  return {
    limit,
    get active() {
      return active;
    },
    tryAcquire() {
      if (active >= limit) return undefined;
      active += 1;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          active -= 1;
          if (active === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const resolve of waiters) resolve();
          }
        },
      };
    },
    idle() {
      if (active === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
