/**
 * The control-message rule: text frames (UpdateConfiguration, ForceEndpoint, KeepAlive,
 * Terminate) may come in bursts, but not faster than the session can act on them. Each
 * UpdateConfiguration travels to the worker and into its decoder; a client sending fresh
 * 100-keyterm lists in a tight loop outran the worker and every pending list waited in memory on
 * the way, so one session could grow the gateway's heap until it crashed. A token bucket:
 * `burst` messages at once, refilled at `perSecond`; beyond that, 3007.
 */
import { CloseCode, ErrorText, ProtocolError } from './protocol-errors.ts';

export class ControlMessageRate {
  private tokens: number;
  private refilledAt: number;
  private received = 0;
  private readonly startedAt: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.tokens = burst;
    this.refilledAt = this.startedAt = now();
  }

  /** Counts a text frame; throws ProtocolError 3007 when the session is over its allowance. */
  take(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    this.received += 1;
    if (this.tokens < 1) {
      throw new ProtocolError(CloseCode.audioViolation, ErrorText.messageRate(this.received, (now - this.startedAt) / 1000, this.perSecond));
    }
    this.tokens -= 1;
  }
}
