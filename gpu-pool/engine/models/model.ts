import type { TokenTable } from './tokens.ts';

/**
 * What the scheduler needs from a model type. One implementation per format
 * (tone-ctc.ts, zipformer-transducer.ts); adding a format touches one file plus detect.ts.
 */
export interface ModelDescription {
  type: string;
  sampleRate: number;
  /** Audio per model chunk (ms). */
  chunkMs: number;
  /** Duration of one output frame (ms): token timestamps are multiples of it. */
  frameMs: number;
  vocabSize: number;
  /**
   * How long after its audio the model emits a token (ms; a streaming model's look-ahead):
   * word times are moved back by it. From the model folder's decoding.json `token_delay_ms`.
   */
  tokenDelayMs?: number;
}

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

/** Turns model-rate audio into model input chunks, per stream. */
export interface FrontEnd {
  accept(samples: Float32Array): void;
  /** No more audio: pad so the tail becomes a final chunk. */
  finish(): void;
  readonly readyCount: number;
  take(): Float32Array | undefined;
}

export interface StreamingModel<S = unknown> {
  readonly description: ModelDescription;
  readonly tokens: TokenTable;
  createFrontEnd(): FrontEnd;
  createState(decoding: DecodingMethod, keyterms?: readonly string[]): S;
  /** Run one chunk of each stream in one batched encoder call, then search. */
  runBatch(states: S[], chunks: Float32Array[]): Promise<ChunkResult[]>;
  /** Replace the words a stream's search favours (beam search; greedy ignores them). */
  setKeyterms?(state: S, keyterms: readonly string[]): void;
  /** Tokens a search still holds back (beam search) once the stream's audio is complete. */
  finalize?(state: S): DecodedToken[];
  release(): Promise<void>;
}

export type DecodingMethod = 'greedy_search' | 'modified_beam_search';

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}
