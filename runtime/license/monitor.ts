import { readFile } from 'node:fs/promises';
import type { Logger } from '../logger.ts';
import { evaluationTerms, type LicenceTerms } from './claims.ts';
import { checkIn } from './checkin.ts';
import { systemClock, type Clock } from './clock.ts';
import { LicenceError } from './errors.ts';
import { loadPublicKeys, type VerificationKey } from './keys.ts';
import type { LicenceSource, LicenceView } from './source.ts';
import { LicenceStateMachine } from './state.ts';
import { verifyLicence } from './verify.ts';

export interface LicenceMonitorOptions {
  /** LICENSE_FILE_PATH; unset = evaluation mode. */
  licenseFilePath?: string;
  /** LICENSE_PUBLIC_KEYS (already parsed keys win over the spec string). */
  publicKeys?: string | VerificationKey[];
  issuer?: string;
  audience?: string;
  /** LICENSE_SERVER_URL; unset = offline licence (state stays Ready until it fails). */
  serverUrl?: string;
  checkinIntervalMs: number;
  trustWindowMs: number;
  checkinTimeoutMs?: number;
  evaluationMaxSessions?: number;
  /** Lets the check-in report how busy the cluster is. */
  activeSessions?: () => Promise<number>;
  clock?: Clock;
  logger: Logger;
}

/**
 * Owns the licence: loads and verifies it, checks in periodically, and walks the state machine.
 * Tests call load(), checkinNow() and tick() directly with a manual clock; start() adds timers.
 */
export class LicenceMonitor implements LicenceSource {
  private readonly clock: Clock;
  private machine: LicenceStateMachine;
  private terms: LicenceTerms | null = null;
  private jwt = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly failedListeners = new Set<(v: LicenceView) => void>();
  private readonly changeListeners = new Set<(v: LicenceView) => void>();
  /** The LicenceError that made the licence unusable, if any. */
  error: LicenceError | null = null;

  constructor(private readonly options: LicenceMonitorOptions) {
    this.clock = options.clock ?? systemClock;
    this.machine = this.newMachine();
  }

  /** Reads and verifies the licence file. Never throws: a bad licence means state Failed. */
  async load(): Promise<LicenceView> {
    const log = this.options.logger;
    this.machine = this.newMachine();
    this.error = null;
    if (!this.options.licenseFilePath) {
      this.terms = evaluationTerms(this.options.evaluationMaxSessions);
      log.warn(
        { maxConcurrentSessions: this.terms.maxConcurrentSessions },
        'EVALUATION MODE: no licence configured (LICENSE_FILE_PATH unset); limited to %d concurrent sessions, not for production',
        this.terms.maxConcurrentSessions,
      );
      return this.current();
    }
    try {
      this.jwt = await readFile(this.options.licenseFilePath, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new LicenceError('missing_file', `licence file ${this.options.licenseFilePath} unreadable: ${err.code ?? err.message}`);
      });
      const keys = Array.isArray(this.options.publicKeys) ? this.options.publicKeys : loadPublicKeys(this.options.publicKeys);
      this.terms = await verifyLicence(this.jwt, { keys, issuer: this.options.issuer, audience: this.options.audience, now: this.clock.now() });
      log.info(
        { licenceId: this.terms.id, licensee: this.terms.licensee, billing: this.terms.billing, maxConcurrentSessions: this.terms.maxConcurrentSessions, allowedModels: this.terms.allowedModels, expiresAt: this.terms.expiresAt },
        'licence verified',
      );
    } catch (err) {
      const licenceError = err instanceof LicenceError ? err : new LicenceError('malformed', (err as Error).message);
      this.error = licenceError;
      this.terms = null;
      log.error({ code: licenceError.code }, 'LICENCE INVALID (%s): %s; refusing all sessions', licenceError.code, licenceError.message);
      this.machine.failPermanently(`licence invalid (${licenceError.code}): ${licenceError.message}`);
    }
    return this.current();
  }

  /** One check-in round (a no-op without a server or a usable licence). */
  async checkinNow(): Promise<LicenceView> {
    const { serverUrl, logger } = this.options;
    if (!serverUrl || !this.terms || this.terms.evaluation) return this.tick();
    const active = this.options.activeSessions ? await this.options.activeSessions().catch(() => undefined) : undefined;
    const result = await checkIn(serverUrl, { licence: this.jwt, licence_id: this.terms.id, active_sessions: active }, this.options.checkinTimeoutMs ?? 5000);
    const now = this.clock.now();
    if (result.ok) this.machine.checkinSucceeded(now);
    else if (result.revoked) {
      logger.error({ licenceId: this.terms.id }, 'LICENCE REVOKED by the licence server; refusing all sessions');
      this.machine.failPermanently('licence revoked by the licence server');
    } else {
      logger.warn({ error: result.error, trustExpiration: this.machine.snapshot().trustExpiration }, 'licence check-in failed');
      this.machine.checkinFailed(now, result.error);
    }
    return this.tick();
  }

  /** Time-based transitions: trust window closing, licence expiring while running. */
  tick(): LicenceView {
    const now = this.clock.now();
    if (this.terms?.expiresAt && now >= this.terms.expiresAt.getTime() && this.machine.snapshot().state !== 'Failed') {
      this.options.logger.error({ licenceId: this.terms.id }, 'LICENCE EXPIRED at %s; refusing all sessions', this.terms.expiresAt.toISOString());
      this.machine.failPermanently(`licence expired at ${this.terms.expiresAt.toISOString()}`);
    }
    this.machine.tick(now);
    return this.current();
  }

  async start(): Promise<void> {
    await this.load();
    await this.checkinNow();
    this.timer = setInterval(() => void this.checkinNow(), this.options.checkinIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The verified licence JWT itself (null in evaluation mode or when the licence is unusable): what
   * the licence proxy publishes, so that every gateway verifies the signed token, never a copy of
   * its terms.
   */
  licenceToken(): string | null {
    return this.terms && !this.terms.evaluation ? this.jwt.trim() : null;
  }

  current(): LicenceView {
    const s = this.machine.snapshot();
    return { state: s.state, lastSuccessfulCheckin: s.lastSuccessfulCheckin, trustExpiration: s.trustExpiration, failure: s.failure, terms: this.terms };
  }

  onFailed(listener: (v: LicenceView) => void): () => void {
    this.failedListeners.add(listener);
    return () => this.failedListeners.delete(listener);
  }

  /** Every state change (the licence proxy publishes them to Redis). */
  onChange(listener: (v: LicenceView) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private newMachine(): LicenceStateMachine {
    const machine = new LicenceStateMachine(this.options.trustWindowMs, this.clock.now());
    machine.onChange((s, previous) => {
      const view = this.current();
      const log = this.options.logger;
      if (s.state === 'Failed') log.error({ previous, failure: s.failure }, 'licence state %s → Failed: %s', previous, s.failure);
      else log.info({ previous, trustExpiration: s.trustExpiration }, 'licence state %s → %s', previous, s.state);
      for (const l of this.changeListeners) l(view);
      if (s.state === 'Failed') for (const l of this.failedListeners) l(view);
    });
    return machine;
  }
}
