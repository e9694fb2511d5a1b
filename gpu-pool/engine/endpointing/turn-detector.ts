import type { TurnDetectionOptions } from '../api.ts';
import { endOfTurnConfidence } from './end-of-turn-confidence.ts';

/**
 * Turn boundaries from the VAD and the decoder (spec §5.1). Fed in audio-clock order:
 * VAD window probabilities, ASR frame blank posteriors and token times. Silence is measured
 * over the audio the VAD has processed once the ASR has decoded `ASR_GUARD_MS` past the end of
 * speech (the model's token lag: the last word is in), else only over audio both processed. The
 * VAD keeps up with each 100 ms client frame while the ASR moves in model chunks (300 ms), so a
 * turn ends as soon as the silence rule holds instead of at the next chunk boundary.
 */
const ONSET_WINDOWS = 2; // consecutive speech windows before speech counts as started (~64 ms)
const MIN_SPEECH_MS = 80; // speech needed in a turn before it can end (spec §5.1)
/** ASR decoded this far past the end of speech: the last word's tokens are in (bench:latency measured the lag at ~100 ms). */
export const ASR_GUARD_MS = 150;

export type TurnDecision =
  | { end: false; confidence: number }
  | { end: true; confidence: number; reason: 'confident_silence' | 'max_silence' };

export class TurnDetector {
  private vadMs = 0;
  private asrMs = 0;
  private speechRun = 0;
  private speechRunStartMs = 0;
  private inSpeech = false;
  /** Audio time where the latest speech (VAD speech or a decoded token) ended. */
  private speechEndMs = 0;
  private speechMsInTurn = 0;
  private silenceVadSum = 0;
  private silenceVadCount = 0;
  private blankRing: { t: number; p: number }[] = [];
  private readonly hasVad: boolean;

  constructor(
    private options: TurnDetectionOptions,
    private readonly vadWindowMs: number | null,
    private readonly asrFrameMs: number,
  ) {
    this.hasVad = vadWindowMs !== null;
  }

  update(options: Partial<TurnDetectionOptions>): void {
    this.options = { ...this.options, ...options };
  }

  /** One VAD window. Returns the onset time and confidence when speech just started. */
  onVad(prob: number): { timestampMs: number; confidence: number } | null {
    const w = this.vadWindowMs!;
    const start = this.vadMs;
    this.vadMs += w;
    if (prob >= this.options.vadThreshold) {
      if (this.speechRun === 0) this.speechRunStartMs = start;
      this.speechRun++;
      this.speechEndMs = Math.max(this.speechEndMs, this.vadMs);
      this.speechMsInTurn += w;
      this.silenceVadSum = 0;
      this.silenceVadCount = 0;
      if (!this.inSpeech && this.speechRun >= ONSET_WINDOWS) {
        this.inSpeech = true;
        return { timestampMs: Math.round(this.speechRunStartMs), confidence: prob };
      }
      return null;
    }
    this.speechRun = 0;
    this.inSpeech = false;
    this.silenceVadSum += prob;
    this.silenceVadCount++;
    return null;
  }

  /** Blank posteriors of consecutive ASR output frames. */
  onAsrFrames(blankProbs: Float32Array): void {
    for (const p of blankProbs) {
      this.blankRing.push({ t: this.asrMs, p });
      this.asrMs += this.asrFrameMs;
    }
    // Keep about the longest silence that matters.
    const horizon = this.asrMs - Math.max(this.options.maxTurnSilenceMs, 500) - 1000;
    while (this.blankRing.length > 0 && this.blankRing[0].t < horizon) this.blankRing.shift();
    if (!this.hasVad) {
      // Without a VAD, non-blank frames are the speech evidence.
      for (const { t, p } of this.blankRing) if (p < 0.5) this.speechEndMs = Math.max(this.speechEndMs, t + this.asrFrameMs);
    }
  }

  /** A decoded token proves speech up to its end, whatever the VAD said. */
  onToken(endMs: number, durationMs: number): void {
    if (endMs > this.speechEndMs) {
      this.speechEndMs = endMs;
      this.silenceVadSum = 0;
      this.silenceVadCount = 0;
    }
    if (!this.hasVad) this.speechMsInTurn += durationMs;
  }

  /** Audio time the VAD has covered. */
  get vadProcessedMs(): number {
    return this.vadMs;
  }

  get processedMs(): number {
    return this.hasVad ? Math.min(this.vadMs, this.asrMs) : this.asrMs;
  }

  get silenceMs(): number {
    if (this.inSpeech) return 0;
    const horizon = this.hasVad && this.asrMs >= this.speechEndMs + ASR_GUARD_MS ? this.vadMs : this.processedMs;
    return Math.max(0, horizon - this.speechEndMs);
  }

  decide(lastWord: { text: string; confidence: number; isFinal: boolean } | undefined): TurnDecision {
    const silenceMs = this.silenceMs;
    let blankSum = 0;
    let blankN = 0;
    for (const { t, p } of this.blankRing) if (t >= this.speechEndMs) {
      blankSum += p;
      blankN++;
    }
    const confidence = endOfTurnConfidence({
      meanVadProbInSilence: this.silenceVadCount > 0 ? this.silenceVadSum / this.silenceVadCount : this.hasVad ? 1 : 0,
      meanBlankProbInSilence: blankN > 0 ? blankSum / blankN : 0,
      silenceMs,
      maxTurnSilenceMs: this.options.maxTurnSilenceMs,
      lastWord,
    });
    if (!lastWord || this.speechMsInTurn < MIN_SPEECH_MS) return { end: false, confidence };
    if (confidence > this.options.endOfTurnConfidenceThreshold && silenceMs >= this.options.minTurnSilenceMs) {
      return { end: true, confidence, reason: 'confident_silence' };
    }
    if (silenceMs >= this.options.maxTurnSilenceMs) return { end: true, confidence, reason: 'max_silence' };
    return { end: false, confidence };
  }

  /** A turn ended: the next one starts counting speech afresh. */
  newTurn(): void {
    this.speechMsInTurn = 0;
  }

  get speaking(): boolean {
    return this.inSpeech;
  }
}
