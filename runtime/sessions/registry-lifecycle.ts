import type { Logger } from '../logger.ts';
import { modelAllowed, type LicenceTerms } from '../license/claims.ts';
import { systemClock, type Clock } from '../license/clock.ts';
import type { LicenceSource } from '../license/source.ts';
import type { UsageSink } from '../usage/sink.ts';
import type {
  Admission,
  Authorization,
  ConnectionCredentials,
  LicenceFailure,
  SessionEnd,
  SessionLifecycle,
  SessionStart,
} from './lifecycle.ts';
import { apiKeyAllowed } from './api-keys.ts';
import { reapAndFlush } from './outbox.ts';
import { toUsageRecord, type EndedSession, type SessionRegistry } from './registry.ts';
import { isTemporaryToken, type TokenStore } from './tokens.ts';

export const REFUSALS = {
  missingAuth: 'Unauthorized Connection: Missing Authorization header',
  invalidKey: 'Unauthorized Connection: Invalid API key',
  invalidToken: 'Unauthorized Connection: Invalid or expired temporary token',
  licenceFailed: 'Unauthorized Connection: Licence failed',
  tooMany: 'Unauthorized Connection: Too many concurrent sessions',
  serverError: 'Session Cancelled: An error occurred',
  model: (m: string) => `Unauthorized Connection: Model ${m} is not covered by the licence`,
} as const;

export interface RegistryLifecycleOptions {
  registry: SessionRegistry;
  tokens: TokenStore;
  licence: LicenceSource;
  usage: UsageSink;
  gatewayId: string;
  heartbeatIntervalMs: number;
  heartbeatTtlMs: number;
  apiKeys: string[];
  maxSessionSeconds: number;
  logger: Logger;
  clock?: Clock;
  /** Extra owned resources to release on close() (Redis connections, licence mirror). */
  onClose?: () => Promise<void>;
}

/**
 * The SessionLifecycle over a SessionRegistry: the same code runs embedded (memory registry,
 * log sink) and scaled out (Redis registry, BullMQ queue). Timers heartbeat this gateway's
 * sessions, reap sessions of dead gateways and flush the usage outbox.
 */
export class RegistryLifecycle implements SessionLifecycle {
  private readonly clock: Clock;
  /** This gateway's live sessions and their latest audio progress. */
  private readonly local = new Map<string, number>();
  /** Admissions in flight, so an early end() waits for them. */
  private readonly admitting = new Map<string, Promise<Admission>>();
  private readonly failureListeners = new Set<(f: LicenceFailure) => void>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribeLicence: () => void;
  private rounds: Promise<void> = Promise.resolve();
  private roundsInFlight = 0;
  private closed = false;

  constructor(private readonly o: RegistryLifecycleOptions) {
    this.clock = o.clock ?? systemClock;
    this.unsubscribeLicence = o.licence.onFailed((view) => {
      o.logger.error({ failure: view.failure, liveSessions: this.local.size }, 'licence failed: refusing new sessions and ending %d live ones', this.local.size);
      const failure: LicenceFailure = { code: 1008, reason: REFUSALS.licenceFailed };
      for (const l of this.failureListeners) l(failure);
    });
    this.timer = setInterval(() => {
      if (this.roundsInFlight === 0) void this.tick();
    }, o.heartbeatIntervalMs);
    this.timer.unref();
  }

  async authorize(credentials: ConnectionCredentials): Promise<Authorization> {
    const header = credentials.authorization?.trim();
    const token = credentials.token?.trim() || (header && isTemporaryToken(header) ? header : undefined);
    let maxSessionSeconds = this.o.maxSessionSeconds;
    try {
      if (token) {
        const grant = await this.o.tokens.consume(token);
        if (!grant) return { ok: false, code: 1008, reason: REFUSALS.invalidToken };
        maxSessionSeconds = Math.min(grant.maxSessionSeconds, this.o.maxSessionSeconds);
      } else if (!header) {
        return { ok: false, code: 1008, reason: REFUSALS.missingAuth };
      } else if (!apiKeyAllowed(this.o.apiKeys, header)) {
        return { ok: false, code: 1008, reason: REFUSALS.invalidKey };
      }
    } catch (err) {
      this.o.logger.error({ err: (err as Error).message }, 'authorize failed');
      return { ok: false, code: 3005, reason: REFUSALS.serverError };
    }
    const view = this.o.licence.current();
    if (view.state === 'Failed' || !view.terms) return { ok: false, code: 1008, reason: REFUSALS.licenceFailed };
    return { ok: true, maxSessionSeconds, billingSubject: view.terms.licensee };
  }

  async admit(session: SessionStart): Promise<Admission> {
    const view = this.o.licence.current();
    const terms = view.terms;
    if (view.state === 'Failed' || !terms) return { ok: false, code: 1008, reason: REFUSALS.licenceFailed };
    if (!modelAllowed(terms, session.speechModel)) return { ok: false, code: 1008, reason: REFUSALS.model(session.speechModel) };
    const pending = this.register(session, terms);
    this.admitting.set(session.sessionId, pending);
    try {
      return await pending;
    } finally {
      this.admitting.delete(session.sessionId);
    }
  }

  private async register(session: SessionStart, terms: LicenceTerms): Promise<Admission> {
    try {
      const result = await this.o.registry.admit(
        {
          sessionId: session.sessionId,
          gatewayId: this.o.gatewayId,
          model: session.speechModel,
          billingSubject: session.billingSubject,
          licenceId: terms.id,
          billing: terms.billing,
          startedAt: session.startedAt.getTime(),
        },
        terms.maxConcurrentSessions,
        this.clock.now(),
        this.o.heartbeatTtlMs,
      );
      if (result === 'limit') {
        this.o.logger.info({ sessionId: session.sessionId, limit: terms.maxConcurrentSessions }, 'session refused: concurrency limit reached');
        return { ok: false, code: 3009, reason: REFUSALS.tooMany };
      }
      this.local.set(session.sessionId, 0);
      return { ok: true };
    } catch (err) {
      // Fail closed: without the registry the limit cannot be enforced.
      this.o.logger.error({ err: (err as Error).message, sessionId: session.sessionId }, 'admission failed: session registry unavailable');
      // The script may have run before the reply was lost: withdraw the session, unbilled.
      void this.o.registry
        .end(session.sessionId, this.clock.now(), 'admission_failed', 0)
        .then((ended) => ended && this.o.registry.ack([ended.sessionId]))
        .catch(() => undefined);
      return { ok: false, code: 3005, reason: REFUSALS.serverError };
    }
  }

  /** Audio seconds received so far; carried by the next heartbeat, billed if this gateway dies. */
  progress(sessionId: string, audioSeconds: number): void {
    if (this.local.has(sessionId)) this.local.set(sessionId, audioSeconds);
  }

  async end(session: SessionEnd): Promise<void> {
    // A client that vanished while admit() was still running: let admission settle first,
    // or the session would be registered after its end and live on until reaped.
    await this.admitting.get(session.sessionId);
    this.local.delete(session.sessionId);
    let ended: EndedSession | null;
    try {
      ended = await this.o.registry.end(session.sessionId, session.endedAt.getTime(), session.reason, session.audioSeconds);
    } catch (err) {
      // Not lost: without heartbeats the reaper bills it from its last heartbeat.
      this.o.logger.warn({ err: (err as Error).message, sessionId: session.sessionId }, 'could not end the session in the registry; it will be reaped and billed from its last heartbeat');
      return;
    }
    if (!ended) return;
    // Queue just this record now; on failure it stays in the outbox and the next tick retries.
    try {
      if (ended.billing === 'usage') await this.o.usage.submit([toUsageRecord(ended)]);
      await this.o.registry.ack([ended.sessionId]);
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message, sessionId: ended.sessionId }, 'usage enqueue failed; kept in the outbox for the next round');
    }
  }

  onLicenceFailed(listener: (failure: LicenceFailure) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** Live sessions on this gateway and in the whole cluster (the autoscaling signal). */
  async activeSessions(): Promise<{ gateway: number; total: number; byGateway: Record<string, number> }> {
    const counts = await this.o.registry.counts(this.clock.now());
    return { gateway: this.local.size, total: counts.total, byGateway: counts.byGateway };
  }

  /**
   * One heartbeat + reap + flush round that starts after any round in flight, so it carries
   * the progress reported before the call. The timer skips its turn while a round is running.
   */
  tick(): Promise<void> {
    this.roundsInFlight++;
    const round = this.rounds.then(() => this.runTick()).finally(() => this.roundsInFlight--);
    this.rounds = round;
    return round;
  }

  private async runTick(): Promise<void> {
    try {
      const now = this.clock.now();
      await this.o.registry.heartbeat(this.o.gatewayId, this.local, now, this.o.heartbeatTtlMs);
      await reapAndFlush(this.o.registry, this.o.usage, now, this.o.logger);
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'session heartbeat/reap round failed');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribeLicence();
    await this.rounds;
    await this.o.usage.close();
    await this.o.registry.close();
    await this.o.onClose?.();
  }
}
