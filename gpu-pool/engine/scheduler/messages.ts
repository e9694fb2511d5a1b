import type { EngineErrorCode } from '../api.ts';
import type { DecodingMethod, ModelDescription } from '../models/model.ts';
import type { RecognizerCapabilities } from '../recognizers/recognizer.ts';

/** Settings the engine hands each inference worker. */
export interface WorkerSettings {
  modelDir: string;
  vadModelPath?: string;
  provider: 'cpu' | 'cuda';
  intraOpThreads: number;
  preferInt8: boolean;
  /** The engine's default search is a beam search: load its LM and lexicon up front. */
  preloadSearch: boolean;
  /** The searches' finalisation policy (decoders/finalization.ts): ms, null = off, undefined = default. */
  finalizeAfterMs?: number | null;
  /** The VAD seal's silence (decoders/finalization.ts): ms, null = off. */
  vadSealMs?: number | null;
  /** The VAD seal may run the look-ahead on a chunk not yet whole (decoders/finalization.ts). */
  vadLookAhead: boolean;
  /** The model's token lag as the main thread applies it (ASR_TOKEN_DELAY_MS); undefined = the model's. */
  tokenDelayMs?: number;
  batchWindowMs: number;
  maxBatchSize: number;
}

/** One stream's command. Audio is float samples at the stream's input rate. */
export type StreamCommand =
  | { type: 'open'; id: string; inputRate: number; decoding: DecodingMethod; keyterms: string[]; vadThreshold?: number }
  | { type: 'audio'; id: string; samples: Float32Array }
  | { type: 'flush'; id: string; reqId: number }
  /** The main thread ended the turn: the search commits its best path and starts a new sentence. */
  | { type: 'end_turn'; id: string }
  | { type: 'keyterms'; id: string; keyterms: string[] }
  /** UpdateConfiguration changed the stream's vad_threshold: the VAD seal follows it. */
  | { type: 'vad_threshold'; id: string; threshold: number }
  | { type: 'close'; id: string };

/**
 * Main thread → worker. Commands travel in batches (everything the event loop produced for
 * this worker in one turn, in order): one postMessage per turn instead of one per push keeps
 * messaging off both threads' profiles when hundreds of streams push 10 times a second.
 */
export type ToWorker = { type: 'commands'; commands: StreamCommand[] } | { type: 'shutdown' };

export interface AsrChunkMessage {
  tokens: { id: number; frame: number; prob: number }[];
  frames: number;
  blankProbs: Float32Array;
  tentative?: { id: number; frame: number; prob: number }[];
  /** The last committed word is complete (ChunkResult.wordClosed). */
  wordClosed?: boolean;
}

/** What one stream gets from one decoding pass: ASR chunk results and VAD probabilities. */
export interface StreamResult {
  id: string;
  asr: AsrChunkMessage[];
  vad: number[];
}

/** Worker → main thread. Results of one batch for all its streams travel together. */
export type FromWorker =
  | { type: 'ready'; model: ModelDescription; capabilities: RecognizerCapabilities; symbols: string[]; blankId: number; vadWindowMs: number | null }
  | { type: 'load_failed'; message: string }
  | { type: 'results'; results: StreamResult[] }
  | { type: 'flushed'; id: string; reqId: number }
  | { type: 'stream_error'; id: string; code: EngineErrorCode; message: string }
  | { type: 'stats'; batches: number; batchedChunks: number };
