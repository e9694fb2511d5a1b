/**
 * The licence state machine (spec §7.4):
 *   Ready      nothing checked in yet (also: offline licence, evaluation mode)
 *   Connected  the last check-in succeeded
 *   TrustBased the last check-in failed, but the trust window since the last success is still open
 *   Failed     trust window closed, licence invalid / expired / revoked: stop serving
 * A successful check-in after Failed (grace expiry only) returns to Connected; invalid, expired and
 * revoked licences stay Failed until the process restarts with a good licence.
 */
export type LicenceStateName = 'Ready' | 'Connected' | 'TrustBased' | 'Failed';

export interface LicenceStateSnapshot {
  state: LicenceStateName;
  lastSuccessfulCheckin: Date | null;
  trustExpiration: Date | null;
  /** Why the state is Failed, for logs and refusals. */
  failure: string | null;
}

export class LicenceStateMachine {
  private state: LicenceStateName = 'Ready';
  private lastSuccess: number | null = null;
  private trustUntil: number | null = null;
  private failure: string | null = null;
  private terminal = false;
  private readonly listeners = new Set<(s: LicenceStateSnapshot, previous: LicenceStateName) => void>();

  constructor(
    private readonly trustWindowMs: number,
    /** When the licence was loaded: a deployment that never reaches the server gets one window from here. */
    private readonly startedAt: number,
  ) {}

  onChange(listener: (s: LicenceStateSnapshot, previous: LicenceStateName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  checkinSucceeded(now: number): void {
    if (this.terminal) return;
    this.lastSuccess = now;
    this.trustUntil = now + this.trustWindowMs;
    this.failure = null;
    this.move('Connected');
  }

  checkinFailed(now: number, why: string): void {
    if (this.terminal) return;
    if (this.trustUntil === null) this.trustUntil = (this.lastSuccess ?? this.startedAt) + this.trustWindowMs;
    if (now >= this.trustUntil) {
      this.failure = `licence server unreachable past the trust window (last error: ${why})`;
      this.move('Failed');
    } else if (this.state !== 'Failed') {
      this.move('TrustBased');
    }
  }

  /** Re-evaluates time-based transitions without a check-in (TrustBased → Failed). */
  tick(now: number): void {
    if (this.state === 'TrustBased' && this.trustUntil !== null && now >= this.trustUntil) {
      this.failure = 'licence server unreachable past the trust window';
      this.move('Failed');
    }
  }

  /** Invalid, expired or revoked licence: Failed for good. */
  failPermanently(why: string): void {
    this.failure = why;
    this.terminal = true;
    this.move('Failed');
  }

  snapshot(): LicenceStateSnapshot {
    return {
      state: this.state,
      lastSuccessfulCheckin: this.lastSuccess === null ? null : new Date(this.lastSuccess),
      trustExpiration: this.trustUntil === null ? null : new Date(this.trustUntil),
      failure: this.failure,
    };
  }

  private move(next: LicenceStateName): void {
    const previous = this.state;
    this.state = next;
    if (previous !== next) for (const l of this.listeners) l(this.snapshot(), previous);
  }
}
