import { StreamingResampler } from '../audio/resampler.ts';
import type { ChunkResult } from '../decoders/chunk-result.ts';
import { SEAL_AFTER_MS, VadSilence } from '../decoders/finalization.ts';
import type { SileroVad, VadStreamState } from '../endpointing/silero-vad.ts';
import type { FrontEnd, PendingChunk } from '../features/front-end.ts';
import type { DecodingMethod, Recognizer } from '../recognizers/recognizer.ts';

/** The VAD seal of a stream's search (decoders/finalization.ts): off where null. */
export interface VadSealSettings {
  /** The stream's vadThreshold (the main thread's turn detector applies the same). */
  threshold: number;
  /** Continuous silence that seals the last word. */
  sealMs: number;
  /** The model's token lag. */
  tokenDelayMs: number;
}

/**
 * Everything one stream owns inside an inference worker: resampler, model front end
 * (features or raw frames), the recognizer's model and search state and VAD state.
 */
export class StreamPipeline {
  readonly frontEnd: FrontEnd;
  readonly modelState: unknown;
  readonly vadState: VadStreamState | null;
  private readonly resampler: StreamingResampler | null;
  private readonly vadResampler: StreamingResampler | null;
  /** When the oldest ready chunk became ready: fairness in batch selection. */
  waitingSince = 0;
  pendingFlushes: number[] = [];
  failed = false;
  /** Where the VAD heard silence, read by the search's seal; null without a VAD or seal. */
  readonly silence: VadSilence | null;
  private decodedFrames = 0;
  private readonly frameMs: number;
  /** What the last result handed out said: the main thread already shows the last word closed, with no tentative word after it. */
  lastWordClosed = false;
  /** The VAD heard more since the search last applied its seal rule. */
  vadSinceSeal = false;
  /** Where the VAD was when the worker last decoded ahead: again only once it heard a frame more. */
  private aheadAtVadMs = -Infinity;

  constructor(
    readonly id: string,
    inputRate: number,
    model: Recognizer,
    decoding: DecodingMethod,
    private readonly vad: SileroVad | null,
    keyterms: readonly string[] = [],
    seal: VadSealSettings | null = null,
  ) {
    const rate = model.description.sampleRate;
    this.frameMs = model.description.frameMs;
    this.silence = vad && seal ? new VadSilence(vad.windowMs, seal.threshold, seal.sealMs, seal.tokenDelayMs, this.frameMs) : null;
    this.resampler = inputRate === rate ? null : new StreamingResampler(inputRate, rate);
    this.frontEnd = model.createFrontEnd();
    this.modelState = model.createState(decoding, keyterms, this.silence);
    this.vadState = vad ? vad.createState() : null;
    this.vadResampler = vad && vad.sampleRate !== rate ? new StreamingResampler(rate, vad.sampleRate) : null;
    // The resampler's look-ahead would hold each chunk's last samples back until the client's
    // next frame (+100 ms on every word at a 100 ms pace): start the stream that much late instead.
    if (this.resampler) this.accept(new Float32Array(this.resampler.alignmentInputSamples));
  }

  accept(samples: Float32Array): void {
    const atModelRate = this.resampler ? this.resampler.process(samples) : samples;
    this.feed(atModelRate);
  }

  /** Everything pushed so far becomes decodable: flush the resampler, pad the last chunk. */
  finish(): void {
    if (this.resampler) this.feed(this.resampler.process(new Float32Array(0), true));
    this.frontEnd.finish();
  }

  private feed(samples: Float32Array): void {
    if (samples.length === 0) return;
    const before = this.frontEnd.readyCount;
    this.frontEnd.accept(samples);
    if (before === 0 && this.frontEnd.readyCount > 0) this.waitingSince = performance.now();
    if (this.vad && this.vadState) this.vad.accept(this.vadState, this.vadResampler ? this.vadResampler.process(samples) : samples);
  }

  /** A result of this stream's search was handed out. */
  noteResult(r: ChunkResult): void {
    this.decodedFrames += r.frames;
    if (r.frames > 0) this.vadSinceSeal = false;
    // A beam search's tentative tail is words not yet committed: the last of them is open too.
    this.lastWordClosed = r.wordClosed === true && (r.tentative?.length ?? 0) === 0;
    // Silence that ended well before what the search still holds can no longer seal anything.
    this.silence?.forgetBefore(this.decodedFrames * this.frameMs - 4 * SEAL_AFTER_MS);
  }

  /** One VAD window's speech probability. */
  noteVad(prob: number): void {
    if (!this.silence) return;
    this.silence.onWindow(prob);
    this.vadSinceSeal = true;
  }

  /**
   * Worth asking the search to re-apply its seal rule without new frames: the VAD heard more
   * silence since the last chunk, a run long enough to vouch for a word, and the last word shown
   * is still open.
   */
  get wantsReseal(): boolean {
    return !this.failed && this.silence !== null && this.vadSinceSeal && !this.lastWordClosed && this.decodedFrames > 0 && this.silence.openRunMs >= this.silence.sealMs;
  }

  /**
   * Worth decoding ahead (Recognizer.decodeAhead): the VAD has heard enough silence to seal the
   * last word, which is still open, the rest of the chunk has not arrived, and an output frame's
   * worth of audio came since the last time.
   */
  get wantsDecodeAhead(): boolean {
    if (this.failed || !this.silence || this.lastWordClosed || this.decodedFrames === 0 || !this.frontEnd.peek) return false;
    if (this.frontEnd.readyCount > 0 || this.silence.openRunMs < this.silence.sealMs) return false;
    return this.silence.processedMs - this.aheadAtVadMs >= this.frameMs;
  }

  /** The audio to decode ahead (null if none). */
  takeAhead(): PendingChunk | null {
    this.aheadAtVadMs = this.silence?.processedMs ?? 0;
    return this.frontEnd.peek?.() ?? null;
  }

  get hasAsrWork(): boolean {
    return !this.failed && this.frontEnd.readyCount > 0;
  }

  get hasVadWork(): boolean {
    return !this.failed && this.vadState !== null && this.vadState.pending.length > 0;
  }
}
