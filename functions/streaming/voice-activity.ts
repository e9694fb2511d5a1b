/**
 * The messages made from the worker's voice activity (self-hosted v1.2, docs/streaming-v3.md §2.7):
 *   - `Silence` (acknowledge_silence=true): about once a second of audio while nobody speaks,
 *     each one the stretch since the previous one (the first from where the pause began), so
 *     consecutive ranges meet and never overlap: the SDKs treat them as stretches to add up;
 *   - `Heartbeat` (session_heartbeat=true): once a second of wall-clock time, whatever the audio,
 *     with the session's counters and the highest speech probability since the previous one.
 * Times are integer ms of session audio, like every other message.
 */
import type { HeartbeatMessage, SilenceMessage } from './server-messages.ts';

/** Audio between two Silence messages of one pause, and before the first. */
export const SILENCE_INTERVAL_MS = 1000;
/** Wall-clock time between two Heartbeat messages. */
export const HEARTBEAT_INTERVAL_MS = 1000;

export class SilenceReporter {
  private runStartMs: number | undefined;
  /** Where the next Silence starts. */
  private fromMs = 0;
  /** The end of the last Silence sent: no range ever reaches back before it. */
  private reportedToMs = 0;

  /** One voice_activity event; a Silence message when another interval of the pause has passed. */
  onVoiceActivity(processedMs: number, silenceMs: number): SilenceMessage | undefined {
    if (silenceMs <= 0) {
      this.runStartMs = undefined;
      return undefined;
    }
    const startMs = Math.max(0, Math.round(processedMs - silenceMs));
    if (this.runStartMs !== startMs) {
      // A new pause (or a late word moved the end of speech): count from its start.
      this.runStartMs = startMs;
      this.fromMs = Math.max(startMs, this.reportedToMs);
    }
    const endMs = Math.round(processedMs);
    if (endMs - this.fromMs < SILENCE_INTERVAL_MS) return undefined;
    const message: SilenceMessage = { type: 'Silence', start_ms: this.fromMs, end_ms: endMs };
    this.fromMs = this.reportedToMs = endMs;
    return message;
  }
}

export class HeartbeatMeter {
  private maxSpeechProbability = 0;

  onVoiceActivity(maxSpeechProbability: number): void {
    if (Number.isFinite(maxSpeechProbability)) this.maxSpeechProbability = Math.max(this.maxSpeechProbability, Math.min(1, maxSpeechProbability));
  }

  /** The Heartbeat due now; the speech probability starts again from 0 for the next one. */
  beat(audioReceivedMs: number, sessionMs: number): HeartbeatMessage {
    const message: HeartbeatMessage = {
      type: 'Heartbeat',
      total_audio_received_ms: Math.round(audioReceivedMs),
      total_duration_ms: Math.round(sessionMs),
      realtime_factor: sessionMs > 0 ? Math.round((audioReceivedMs / sessionMs) * 1000) / 1000 : 0,
      max_speech_probability: Math.round(this.maxSpeechProbability * 1e6) / 1e6,
    };
    this.maxSpeechProbability = 0;
    return message;
  }
}
