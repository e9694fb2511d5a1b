import type { ChunkResult, DecodedToken } from '../decoders/chunk-result.ts';
import type { FrontEnd } from '../features/front-end.ts';
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
