/**
 * The frame rule (spec §3, §4.2): every binary frame holds 50–1000 ms of audio, else 3007.
 *
 * Leniency (the spec leaves it to us): a client's last chunk is whatever is left of its file, so
 * one frame shorter than 50 ms is held as a "pending" violation and forgiven if the client sends no
 * more audio after it (Terminate, or silence until it closes). Audio arriving after a short frame
 * proves it was not the last one, and the session fails with that short frame's duration.
 */
import { MAX_FRAME_MS, MIN_FRAME_MS } from '../../runtime/config/limits.ts';
import { CloseCode, ErrorText, ProtocolError } from './protocol-errors.ts';
import type { Encoding } from './query-params.ts';

export function bytesPerSample(encoding: Encoding): number {
  return encoding === 'pcm_s16le' ? 2 : 1;
}

export function frameDurationMs(byteLength: number, sampleRate: number, encoding: Encoding): number {
  return (byteLength / bytesPerSample(encoding) / sampleRate) * 1000;
}

export class FrameRule {
  private pendingShortMs: number | undefined;

  constructor(private readonly lenientFinalChunk = true) {}

  /** Throws ProtocolError 3007 when a frame breaks the rule. */
  check(durationMs: number): void {
    if (this.pendingShortMs !== undefined) throw violation(this.pendingShortMs);
    if (durationMs > MAX_FRAME_MS) throw violation(durationMs);
    if (durationMs < MIN_FRAME_MS) {
      if (!this.lenientFinalChunk) throw violation(durationMs);
      this.pendingShortMs = durationMs;
    }
  }
}

function violation(durationMs: number): ProtocolError {
  // Integer milliseconds in the text, like the cloud's ("Input duration violation: 10 ms. ..."),
  // rounded away from the allowed range: a 49.9 ms frame says 49 ms, not a contradictory 50.
  const shown = durationMs < MIN_FRAME_MS ? Math.floor(durationMs) : Math.ceil(durationMs);
  return new ProtocolError(CloseCode.audioViolation, ErrorText.inputDuration(shown));
}
