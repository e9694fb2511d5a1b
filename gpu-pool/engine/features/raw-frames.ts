import type { FrontEnd, PendingChunk } from './front-end.ts';

/**
 * Cuts a sample stream into consecutive, non-overlapping frames of `frameSize` samples
 * (kaldi-native-fbank's RawAudioSamples with snip-edges: what T-one-format models take).
 * One preallocated frame buffer is filled in place; `take()` hands out a copy because the
 * frame travels on to a batch.
 */
export class RawFramer implements FrontEnd {
  private readonly frame: Float32Array;
  private fill = 0;
  private readonly ready: Float32Array[] = [];

  constructor(readonly frameSize: number) {
    this.frame = new Float32Array(frameSize);
  }

  accept(samples: Float32Array): void {
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(this.frameSize - this.fill, samples.length - i);
      this.frame.set(samples.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      if (this.fill === this.frameSize) {
        this.ready.push(this.frame.slice());
        this.fill = 0;
      }
    }
  }

  /** Pad the partial frame with zeros so everything pushed gets decoded. */
  finish(): void {
    if (this.fill > 0) {
      this.frame.fill(0, this.fill);
      this.ready.push(this.frame.slice());
      this.fill = 0;
    }
  }

  peek(): PendingChunk | null {
    if (this.fill === 0) return null;
    const chunk = new Float32Array(this.frameSize);
    chunk.set(this.frame.subarray(0, this.fill));
    return { chunk, samples: this.fill };
  }

  get readyCount(): number {
    return this.ready.length;
  }

  take(): Float32Array | undefined {
    return this.ready.shift();
  }
}
