import type { ModelCapabilities } from '../api.ts';
import type { ChunkResult, DecodedToken } from '../decoders/chunk-result.ts';
import type { VadSilence } from '../decoders/finalization.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { DecodingMethod, ModelDescription } from '../models/model.ts';
import type { TokenTable } from '../models/tokens.ts';

export type { DecodingMethod };

/**
 * What a recognizer can do, reported to clients (the engine's ModelInfo, the worker's Accepted)
 * and checked when a stream asks for something: the searches it runs, and which of them can bias
 * toward keyterms.
 */
export type RecognizerCapabilities = ModelCapabilities;

/**
 * What the scheduler runs: a model plus the searches over its outputs (as sherpa-onnx's
 * OnlineRecognizer wraps a model and a decoder). A recognizer owns the decoder choice per
 * stream, keyterms, the finalisation policy and the end-of-turn commit; the model (models/)
 * owns networks and state stacking only. One recognizer per model family (CTC, transducer).
 */
export interface Recognizer<S = unknown> {
  readonly description: ModelDescription;
  readonly tokens: TokenTable;
  readonly capabilities: RecognizerCapabilities;
  createFrontEnd(): FrontEnd;
  /**
   * A stream's model state and search state. `vad`: where the stream's VAD heard silence (kept
   * by the worker), so its search can seal the last word before a pause early (finalization.ts).
   */
  createState(decoding: DecodingMethod, keyterms?: readonly string[], vad?: VadSilence | null): S;
  /**
   * The seal rule again, with no new frames: the VAD heard more silence since the last chunk, and
   * waiting for the next chunk (up to chunkMs) would hold the last word back. What it settles
   * (frames 0). A recognizer without it seals at its next chunk.
   */
  reseal?(state: S): ChunkResult;
  /**
   * Decode ahead (the VAD seal's look-ahead, decoders/finalization.ts): run each stream's chunk
   * not yet whole, zero-padded (FrontEnd.peek), on a copy of its model state, and give the search
   * the output frames whose audio, plus the model's token lag, lies within the stream's
   * `audioSamples`. The stream's model state is untouched; its next whole chunk then only adds
   * the frames after those. A recognizer without it decodes whole chunks only.
   */
  decodeAhead?(states: S[], chunks: Float32Array[], audioSamples: number[]): Promise<ChunkResult[]>;
  /** Run one chunk of each stream in one batched network call, then each stream's search. */
  runBatch(states: S[], chunks: Float32Array[]): Promise<ChunkResult[]>;
  /** Replace the words a stream's search favours (searches in capabilities.keytermDecodings; others ignore them). */
  setKeyterms(state: S, keyterms: readonly string[]): void;
  /** End of turn or of audio: the tokens the search still holds back, committed (its best path). */
  finalize(state: S): DecodedToken[];
  release(): Promise<void>;
}

/**
 * The problem with asking `capabilities` for `decoding` with keyterms, in words, or null when
 * there is none: the stream's Warning (never a silent no-op).
 */
export function keytermProblem(capabilities: RecognizerCapabilities, modelType: string, decoding: DecodingMethod, keyterms: readonly string[]): string | null {
  if (keyterms.length === 0 || capabilities.keytermDecodings.includes(decoding)) return null;
  const where = capabilities.keytermDecodings.length > 0 ? `; they apply with ${capabilities.keytermDecodings.join(', ')}` : '; no search of this model can bias toward them';
  return `keyterms_prompt has no effect: the ${modelType} model's ${decoding} does not use keyterms${where}`;
}

/** The problem with asking for `decoding`, in words, or null when the recognizer runs it (the stream then gets the first search it does run). */
export function decodingProblem(capabilities: RecognizerCapabilities, modelType: string, decoding: DecodingMethod): string | null {
  if (capabilities.decodings.includes(decoding)) return null;
  return `${decoding} is not available for the ${modelType} model: this stream is decoded with ${capabilities.decodings[0]}`;
}
