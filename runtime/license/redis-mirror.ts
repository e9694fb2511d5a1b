import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import { evaluationTerms, type LicenceTerms } from './claims.ts';
import { systemClock, type Clock } from './clock.ts';
import { LicenceError } from './errors.ts';
import { loadPublicKeys, type VerificationKey } from './keys.ts';
import type { LicenceSource, LicenceView } from './source.ts';
import { verifyLicence } from './verify.ts';

/**
 * Scale-out: one licence proxy owns the licence (verification, check-ins, state machine) and
 * publishes its view to Redis; every gateway mirrors it. The key has no TTL on purpose: if the
 * proxy dies, gateways keep the last view and apply its trust_expiration themselves, so a dead
 * proxy fails closed only after the trust window.
 *
 * What is published is the licence JWT itself, with the check-in state beside it — never its
 * terms. Each gateway verifies the JWT with its own LICENSE_PUBLIC_KEYS and takes the limits
 * (concurrent sessions, models, expiry) only from a token that verifies, so whoever can write to
 * Redis gets at most the evaluation cap (no licence published) or nothing (a token that does not
 * verify: Failed). The check-in state is not signed (the proxy holds no signing key): Redis write
 * access could keep a genuine licence from failing within its own limits and expiry, no more;
 * docs/security.md says why Redis must be reachable by Earshot's processes only.
 */
export function licenceKey(prefix: string): string {
  return `${prefix}licence`;
}

const wireSchema = z.object({
  state: z.enum(['Ready', 'Connected', 'TrustBased', 'Failed']),
  lastSuccessfulCheckin: z.string().datetime().nullable(),
  trustExpiration: z.string().datetime().nullable(),
  failure: z.string().nullable(),
  /** The licence JWT as the proxy verified it; null = evaluation mode (or an unusable licence, with state Failed). */
  licence: z.string().min(1).nullable(),
});
type WireView = z.infer<typeof wireSchema>;

export async function publishLicence(redis: Redis, prefix: string, view: LicenceView, licenceJwt: string | null): Promise<void> {
  const wire: WireView = {
    state: view.state,
    lastSuccessfulCheckin: view.lastSuccessfulCheckin?.toISOString() ?? null,
    trustExpiration: view.trustExpiration?.toISOString() ?? null,
    failure: view.failure,
    licence: licenceJwt,
  };
  await redis.set(licenceKey(prefix), JSON.stringify(wire));
}

export interface RedisLicenceMirror extends LicenceSource {
  /** Reads Redis once (the factory awaits this before admitting anything). */
  refresh(): Promise<LicenceView>;
  stop(): void;
}

export interface MirrorOptions {
  redis: Redis;
  prefix: string;
  pollMs: number;
  logger: Logger;
  clock?: Clock;
  evaluationMaxSessions?: number;
  /** This gateway's LICENSE_PUBLIC_KEYS (spec string or parsed keys): what a published licence must verify with. */
  publicKeys?: string | VerificationKey[];
  issuer?: string;
  audience?: string;
  /** This gateway's LICENSE_TRUST_WINDOW_MS: a published trust_expiration further than this from the last check-in is cut back. */
  trustWindowMs?: number;
}

/** Polls the published view; with nothing published yet it runs in evaluation mode. */
export function mirrorLicence(options: MirrorOptions): RedisLicenceMirror {
  const clock = options.clock ?? systemClock;
  const log = options.logger;
  const evaluation: LicenceView = { state: 'Ready', lastSuccessfulCheckin: null, trustExpiration: null, failure: null, terms: evaluationTerms(options.evaluationMaxSessions) };
  let view = evaluation;
  const announced = new Set<string>();
  const listeners = new Set<(v: LicenceView) => void>();
  /** The last token verified and what it gave: a token is verified once, its expiry checked at every read. */
  let verified: { jwt: string; result: LicenceTerms | LicenceError } | undefined;
  let keys: VerificationKey[] | LicenceError | undefined;

  /** Logs a line once per distinct situation, not at every poll. */
  function once(key: string, write: () => void): void {
    if (announced.has(key)) return;
    announced.add(key);
    write();
  }

  function failed(failure: string): LicenceView {
    return { state: 'Failed', lastSuccessfulCheckin: null, trustExpiration: null, failure, terms: null };
  }

  async function termsOf(jwt: string): Promise<LicenceTerms | LicenceError> {
    if (verified?.jwt === jwt) return verified.result;
    if (keys === undefined) {
      try {
        keys = Array.isArray(options.publicKeys) ? options.publicKeys : loadPublicKeys(options.publicKeys);
      } catch (err) {
        keys = err instanceof LicenceError ? err : new LicenceError('no_keys', (err as Error).message);
      }
    }
    let result: LicenceTerms | LicenceError;
    if (keys instanceof LicenceError) result = keys;
    else {
      try {
        result = await verifyLicence(jwt, { keys, issuer: options.issuer, audience: options.audience, now: clock.now() });
      } catch (err) {
        result = err instanceof LicenceError ? err : new LicenceError('malformed', (err as Error).message);
      }
    }
    verified = { jwt, result };
    return result;
  }

  /** What the gateway believes, from the raw key: verified terms, the evaluation cap, or Failed. */
  async function interpret(raw: string | null): Promise<LicenceView> {
    if (raw === null) {
      once('evaluation', () => log.warn('EVALUATION MODE: no licence published by a licence proxy; limited to %d concurrent sessions', evaluation.terms?.maxConcurrentSessions ?? 0));
      return evaluation;
    }
    let wire: WireView;
    try {
      const parsed = wireSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', '));
      wire = parsed.data;
    } catch (err) {
      once(`unreadable:${raw.slice(0, 200)}`, () => log.error({ err: (err as Error).message }, 'LICENCE VIEW UNREADABLE: the value at %s is not a licence view the licence proxy writes; refusing all sessions', licenceKey(options.prefix)));
      return failed('published licence view unreadable');
    }
    const lastSuccessfulCheckin = wire.lastSuccessfulCheckin ? new Date(wire.lastSuccessfulCheckin) : null;
    let trustExpiration = wire.trustExpiration ? new Date(wire.trustExpiration) : null;
    // Never trust a window longer than this gateway's own setting allows.
    if (trustExpiration && options.trustWindowMs !== undefined) {
      const cap = Math.min(lastSuccessfulCheckin?.getTime() ?? clock.now(), clock.now()) + options.trustWindowMs;
      if (trustExpiration.getTime() > cap) trustExpiration = new Date(cap);
    }
    const base = { state: wire.state, lastSuccessfulCheckin, trustExpiration, failure: wire.failure };
    if (wire.licence === null) {
      if (wire.state === 'Failed') return { ...base, terms: null };
      once('evaluation-published', () => log.warn('EVALUATION MODE: the licence proxy runs without a licence; limited to %d concurrent sessions', evaluation.terms?.maxConcurrentSessions ?? 0));
      return { ...base, terms: evaluation.terms };
    }
    const terms = await termsOf(wire.licence);
    if (terms instanceof LicenceError) {
      once(`bad:${wire.licence}`, () => log.error({ code: terms.code }, 'PUBLISHED LICENCE REJECTED (%s): %s; this gateway verifies the licence JWT in Redis with its own LICENSE_PUBLIC_KEYS and refuses all sessions until one verifies', terms.code, terms.message));
      return failed(`published licence rejected (${terms.code}): ${terms.message}`);
    }
    if (terms.expiresAt && clock.now() >= terms.expiresAt.getTime()) return failed(`licence expired at ${terms.expiresAt.toISOString()}`);
    return { ...base, terms };
  }

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
    apply(await interpret(await options.redis.get(licenceKey(options.prefix))));
    return view;
  }

  const timer = setInterval(() => void refresh().catch((err: Error) => log.warn({ err: err.message }, 'licence mirror refresh failed')), options.pollMs);
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
