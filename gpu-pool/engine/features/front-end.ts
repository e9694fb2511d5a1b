/** Turns model-rate audio into model input chunks, per stream. */
export interface FrontEnd {
  accept(samples: Float32Array): void;
  /** No more audio: pad so the tail becomes a final chunk. */
  finish(): void;
  readonly readyCount: number;
  take(): Float32Array | undefined;
  /**
   * The audio accepted since the last whole chunk, zero-padded to a chunk, without consuming it,
   * and how many of its samples are audio; null when none is pending. For the VAD seal's
   * look-ahead (decoders/finalization.ts); a front end without it gets none.
   */
  peek?(): PendingChunk | null;
}

/** A chunk not yet whole: `chunk` is zero-padded past `samples`. */
export interface PendingChunk {
  chunk: Float32Array;
  samples: number;
}
