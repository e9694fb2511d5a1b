import type { EngineErrorCode } from '../api.ts';
import type { DecodingMethod, ModelDescription } from '../models/model.ts';

/** Settings the engine hands each inference worker. */
export interface WorkerSettings {
  modelDir: string;
  vadModelPath?: string;
  provider: 'cpu' | 'cuda';
  intraOpThreads: number;
  preferInt8: boolean;
  batchWindowMs: number;
  maxBatchSize: number;
}

/** Main thread → worker. Audio is float samples at the stream's input rate. */
export type ToWorker =
  | { type: 'open'; id: string; inputRate: number; decoding: DecodingMethod }
  | { type: 'audio'; id: string; samples: Float32Array }
  | { type: 'flush'; id: string; reqId: number }
  | { type: 'close'; id: string }
  | { type: 'shutdown' };

export interface AsrChunkMessage {
  tokens: { id: number; frame: number; prob: number }[];
  frames: number;
  blankProbs: Float32Array;
}

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready'; model: ModelDescription; symbols: string[]; blankId: number; vadWindowMs: number | null }
  | { type: 'load_failed'; message: string }
  | { type: 'result'; id: string; asr: AsrChunkMessage[]; vad: number[] }
  | { type: 'flushed'; id: string; reqId: number }
  | { type: 'stream_error'; id: string; code: EngineErrorCode; message: string }
  | { type: 'stats'; batches: number; batchedChunks: number };
