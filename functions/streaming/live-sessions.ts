/**
 * The gateway's live sessions: what a SIGTERM drain waits for, what a licence failure ends,
 * and whether new sessions are accepted at all.
 */
import type { LicenceFailure } from '../../runtime/sessions/lifecycle.ts';
import { drainCutOff, drainWarningText } from './drain.ts';
import { ProtocolError } from './protocol-errors.ts';
import { WarningCode } from './server-messages.ts';
import type { StreamingSession } from './session.ts';

export class LiveSessions {
  private readonly sessions = new Set<StreamingSession>();
  private idleWaiters: Array<() => void> = [];
  private draining = false;

  get accepting(): boolean {
    return !this.draining;
  }

  get size(): number {
    return this.sessions.size;
  }

  add(session: StreamingSession): void {
    this.sessions.add(session);
  }

  remove(session: StreamingSession): void {
    this.sessions.delete(session);
    if (this.sessions.size === 0) {
      for (const wake of this.idleWaiters) wake();
      this.idleWaiters = [];
    }
  }

  /** Ends every live session with this error (licence failure, end of a drain). */
  endAll(error: ProtocolError): void {
    for (const session of [...this.sessions]) session.fail(error);
  }

  /** The licence failed: every live session ends with the lifecycle's code and reason (usually 1008). */
  licenceFailed(failure: LicenceFailure): void {
    this.endAll(new ProtocolError(failure.code, failure.reason));
  }

  /**
   * Stops accepting sessions, tells live clients the server is going away, and waits up to graceMs
   * for them to finish by themselves; whoever is left then gets Error 3005 (drain.ts).
   */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    for (const session of this.sessions) {
      session.warn(WarningCode.sessionEndingSoon, drainWarningText(graceMs));
    }
    if (this.sessions.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    this.endAll(drainCutOff());
  }
}
