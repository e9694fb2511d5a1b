import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { evaluationTerms, type LicenceTerms } from './claims.ts';
import { systemClock, type Clock } from './clock.ts';
import type { LicenceSource, LicenceView } from './source.ts';

/**
 * Scale-out: one licence proxy owns the licence and publishes its view to Redis; every gateway
 * mirrors it. The key has no TTL on purpose: if the proxy dies, gateways keep the last view and
 * apply its trust_expiration themselves, so a dead proxy fails closed only after the trust window.
 */
export function licenceKey(prefix: string): string {
  return `${prefix}licence`;
}

interface WireView {
  state: LicenceView['state'];
  lastSuccessfulCheckin: string | null;
  trustExpiration: string | null;
  failure: string | null;
  terms: (Omit<LicenceTerms, 'expiresAt'> & { expiresAt: string | null }) | null;
}

export async function publishLicence(redis: Redis, prefix: string, view: LicenceView): Promise<void> {
  const wire: WireView = {
    state: view.state,
    lastSuccessfulCheckin: view.lastSuccessfulCheckin?.toISOString() ?? null,
    trustExpiration: view.trustExpiration?.toISOString() ?? null,
    failure: view.failure,
    terms: view.terms ? { ...view.terms, expiresAt: view.terms.expiresAt?.toISOString() ?? null } : null,
  };
  await redis.set(licenceKey(prefix), JSON.stringify(wire));
}

function fromWire(wire: WireView): LicenceView {
  return {
    state: wire.state,
    lastSuccessfulCheckin: wire.lastSuccessfulCheckin ? new Date(wire.lastSuccessfulCheckin) : null,
    trustExpiration: wire.trustExpiration ? new Date(wire.trustExpiration) : null,
    failure: wire.failure,
    terms: wire.terms ? { ...wire.terms, expiresAt: wire.terms.expiresAt ? new Date(wire.terms.expiresAt) : null } : null,
  };
}

export interface RedisLicenceMirror extends LicenceSource {
  /** Reads Redis once (the factory awaits this before admitting anything). */
  refresh(): Promise<LicenceView>;
  stop(): void;
}

/** Polls the published view; with nothing published yet it runs in evaluation mode. */
export function mirrorLicence(options: { redis: Redis; prefix: string; pollMs: number; logger: Logger; clock?: Clock; evaluationMaxSessions?: number }): RedisLicenceMirror {
  const clock = options.clock ?? systemClock;
  const evaluation: LicenceView = { state: 'Ready', lastSuccessfulCheckin: null, trustExpiration: null, failure: null, terms: evaluationTerms(options.evaluationMaxSessions) };
  let view = evaluation;
  let announcedEvaluation = false;
  const listeners = new Set<(v: LicenceView) => void>();

  function apply(next: LicenceView): void {
    // The proxy may be gone: close the trust window ourselves.
    if ((next.state === 'TrustBased' || next.state === 'Connected') && next.trustExpiration && clock.now() >= next.trustExpiration.getTime()) {
      next = { ...next, state: 'Failed', failure: 'licence proxy silent past the trust window' };
    }
    const wasFailed = view.state === 'Failed';
    view = next;
    if (!wasFailed && view.state === 'Failed') for (const l of listeners) l(view);
  }

  async function refresh(): Promise<LicenceView> {
    const raw = await options.redis.get(licenceKey(options.prefix));
    if (raw === null) {
      if (!announcedEvaluation) {
        announcedEvaluation = true;
        options.logger.warn('EVALUATION MODE: no licence published by a licence proxy; limited to %d concurrent sessions', evaluation.terms?.maxConcurrentSessions ?? 0);
      }
      apply(evaluation);
    } else apply(fromWire(JSON.parse(raw) as WireView));
    return view;
  }

  const timer = setInterval(() => void refresh().catch((err: Error) => options.logger.warn({ err: err.message }, 'licence mirror refresh failed')), options.pollMs);
  timer.unref();
  return {
    current: () => view,
    onFailed(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    stop: () => clearInterval(timer),
  };
}
