/**
 * Exactly-once accounting of one session: usage is recorded once for every admitted session, also
 * one whose admission completed after its client had left (the slot was taken, so the licence
 * counted it), and the gateway's onEnded runs once, after the usage. A session can end and be
 * admitted in either order; the four states below are every combination that can occur.
 */
import type { Logger } from 'pino';
import type { SessionLifecycle } from '../../runtime/sessions/lifecycle.ts';

type BillingState =
  /** Neither admitted nor ended. */
  | 'live'
  /** Admitted and running: its end records the usage. */
  | 'admitted'
  /** Ended before its admission completed: the admission, if it comes, records the usage. */
  | 'ended_before_admission'
  /** Usage recorded (or nothing ever will be) and onEnded called. */
  | 'done';

export interface SessionUsage {
  reason: string;
  audioSeconds: number;
}

export class SessionBilling {
  private state: BillingState = 'live';

  constructor(
    private readonly sessionId: string,
    private readonly lifecycle: Pick<SessionLifecycle, 'end'>,
    private readonly log: Logger,
    private readonly onEnded?: () => void,
  ) {}

  /**
   * The admission succeeded. False when the session has ended meanwhile: it is billed now (no
   * audio, as a client that left) and must not open.
   */
  admitted(): boolean {
    if (this.state === 'live') {
      this.state = 'admitted';
      return true;
    }
    if (this.state === 'ended_before_admission') {
      this.state = 'done';
      void this.record({ reason: 'client_gone', audioSeconds: 0 });
    }
    return false;
  }

  /** The session ended: its usage if it was admitted, then onEnded; later calls do nothing. */
  async ended(usage: SessionUsage): Promise<void> {
    const before = this.state;
    if (before === 'done' || before === 'ended_before_admission') return;
    this.state = before === 'admitted' ? 'done' : 'ended_before_admission';
    try {
      if (before === 'admitted') await this.record(usage);
    } finally {
      this.onEnded?.();
    }
  }

  private async record(usage: SessionUsage): Promise<void> {
    try {
      await this.lifecycle.end({ sessionId: this.sessionId, audioSeconds: usage.audioSeconds, endedAt: new Date(), reason: usage.reason });
    } catch (error) {
      this.log.error({ err: error }, 'could not record the end of the session');
    }
  }
}
