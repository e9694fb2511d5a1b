import { StreamingResampler } from '../audio/resampler.ts';
import type { SileroVad, VadStreamState } from '../endpointing/silero-vad.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { DecodingMethod, Recognizer } from '../recognizers/recognizer.ts';

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

  constructor(
    readonly id: string,
    inputRate: number,
    model: Recognizer,
    decoding: DecodingMethod,
    private readonly vad: SileroVad | null,
    keyterms: readonly string[] = [],
  ) {
    const rate = model.description.sampleRate;
    this.resampler = inputRate === rate ? null : new StreamingResampler(inputRate, rate);
    this.frontEnd = model.createFrontEnd();
    this.modelState = model.createState(decoding, keyterms);
    this.vadState = vad ? vad.createState() : null;
    this.vadResampler = vad && vad.sampleRate !== rate ? new StreamingResampler(rate, vad.sampleRate) : null;
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

  get hasAsrWork(): boolean {
    return !this.failed && this.frontEnd.readyCount > 0;
  }

  get hasVadWork(): boolean {
    return !this.failed && this.vadState !== null && this.vadState.pending.length > 0;
  }
}
