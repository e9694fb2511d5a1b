/**
 * The faster-than-real-time rule (spec §4.1, 3007 "Audio Transmission Rate Exceeded"). A client
 * may run ahead of the wall clock by a burst allowance (reconnect back-fill, a file sent a bit
 * fast); beyond that it is refused. The cloud was seen tolerating minutes of look-ahead, so the
 * default allowance is generous (60 s, AUDIO_RATE_BURST_SECONDS).
 */
import { CloseCode, ErrorText, ProtocolError } from './protocol-errors.ts';

export class TransmissionRate {
  private firstAudioAt: number | undefined;
  private audioMs = 0;

  constructor(
    private readonly burstMs: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {}

  /** Counts a frame; throws ProtocolError 3007 when audio runs ahead of real time by more than the burst. */
  add(durationMs: number): void {
    const now = this.now();
    this.firstAudioAt ??= now;
    this.audioMs += durationMs;
    const wallMs = now - this.firstAudioAt;
    if (this.audioMs - wallMs > this.burstMs) {
      throw new ProtocolError(CloseCode.audioViolation, ErrorText.transmissionRate(this.audioMs / 1000, wallMs / 1000));
    }
  }
}
