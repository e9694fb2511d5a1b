import { OnlineFbank, SHERPA_FBANK, type FbankOptions } from './fbank.ts';
import type { FrontEnd } from './front-end.ts';

/**
 * Feature chunks for streaming encoders: windows of `chunkFrames` fbank frames advancing by
 * `shiftFrames` (icefall/sherpa-onnx streaming zipformer: T frames in, decode_chunk_len
 * consumed; the rest is right context seen again by the next chunk).
 */
export class ChunkedFbank implements FrontEnd {
  private readonly fbank: OnlineFbank;
  private finished = false;

  constructor(
    sampleRate: number,
    private readonly chunkFrames: number,
    private readonly shiftFrames: number,
    featureDim = 80,
    /** Changes to sherpa-onnx's default fbank (e.g. the NeMo transducer's librosa mel filters). */
    fbank: Partial<Omit<FbankOptions, 'sampleRate' | 'numBins'>> = {},
  ) {
    this.fbank = new OnlineFbank({ ...SHERPA_FBANK, ...fbank, sampleRate, numBins: featureDim });
  }

  accept(samples: Float32Array): void {
    if (!this.finished) this.fbank.accept(samples);
  }

  /**
   * End of input: append silence worth one chunk (as sherpa-onnx's examples add tail padding)
   * so the last real frames get decoded, then flush the extractor.
   */
  finish(): void {
    if (this.finished) return;
    const rate = this.fbank.options.sampleRate;
    this.fbank.accept(new Float32Array(Math.round((this.chunkFrames * this.fbank.options.frameShiftMs * rate) / 1000)));
    this.fbank.finish();
    this.finished = true;
  }

  get readyCount(): number {
    const r = this.fbank.readyFrames;
    return r < this.chunkFrames ? 0 : 1 + Math.floor((r - this.chunkFrames) / this.shiftFrames);
  }

  take(): Float32Array | undefined {
    if (this.readyCount === 0) return undefined;
    const out = new Float32Array(this.chunkFrames * this.fbank.dim);
    this.fbank.peek(0, this.chunkFrames, out);
    this.fbank.drop(this.shiftFrames);
    return out;
  }
}
