/** What a search returns: shared by every decoder and the models that run them. */
/** One decoded token, with its output frame index (absolute, per stream) and posterior. */
export interface DecodedToken {
  id: number;
  frame: number;
  prob: number;
}

export interface ChunkResult {
  tokens: DecodedToken[];
  /** Output frames covered by this chunk. */
  frames: number;
  /** Blank posterior of each output frame of the chunk (for the end-of-turn heuristic). */
  blankProbs: Float32Array;
  /** Beam search: the best path's tokens after the committed ones (may still change). */
  tentative?: DecodedToken[];
  /**
   * The last committed word is complete: no later token joins it (finalization.ts). Words are
   * otherwise closed only by the start of the next one.
   */
  wordClosed?: boolean;
}
