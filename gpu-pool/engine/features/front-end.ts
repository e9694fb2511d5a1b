/** Turns model-rate audio into model input chunks, per stream. */
export interface FrontEnd {
  accept(samples: Float32Array): void;
  /** No more audio: pad so the tail becomes a final chunk. */
  finish(): void;
  readonly readyCount: number;
  take(): Float32Array | undefined;
}
