/**
 * The engine's public contract: what the gRPC worker (gpu-pool/grpc) builds on.
 * One AsrEngine per model per process; one AsrStream per session.
 *
 * Times are milliseconds of the stream's own audio clock (samples pushed so far),
 * never wall-clock time.
 */

import type { Logger } from '../logger.ts';
import type { AudioEncoding, TurnDetectionOptions } from '../session-settings.ts';

/**
 * Audio format and turn detection are the session-settings contract, shared with the gateway and
 * the worker so their limits cannot drift apart.
 */
export { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, type AudioEncoding, type TurnDetectionOptions } from '../session-settings.ts';

export interface StreamOptions extends TurnDetectionOptions {
  sampleRate: number;
  encoding: AudioEncoding;
  decoding?: 'greedy_search' | 'modified_beam_search';
  /**
   * Words and phrases to favour (keyterms_prompt): the beam search adds a bonus when a path
   * spells one of their words, even a word its lexicon lacks. Searches that cannot use them
   * (ModelCapabilities.keytermDecodings) add a line to AsrStream.warnings.
   */
  keyterms?: string[];
}

export interface RecognizedWord {
  text: string;
  startMs: number;
  endMs: number;
  /** Mean token posterior of the word (0–1). */
  confidence: number;
  /** Final words never change again. */
  isFinal: boolean;
}

export type StreamEvent =
  /** Speech onset detected by the VAD. */
  | { kind: 'speech_started'; timestampMs: number; confidence: number }
  /** The current turn's words changed: finalised prefix plus the tentative tail. */
  | { kind: 'words'; words: RecognizedWord[] }
  /** The current turn ended; `words` are all final. The next words open a new turn. */
  | {
      kind: 'end_of_turn';
      words: RecognizedWord[];
      confidence: number;
      reason: 'confident_silence' | 'max_silence' | 'forced' | 'flush';
      /** Silence between the end of the turn's speech and the decision (ms of audio). */
      silenceMs: number;
    }
  /**
   * Where the stream's voice activity stands after each decoded chunk: audio processed so far,
   * the current run of silence (0 while speaking) and the highest VAD speech probability in the
   * chunk. The gateway's Silence and Heartbeat messages are made from it.
   */
  | { kind: 'voice_activity'; processedMs: number; silenceMs: number; maxSpeechProbability: number }
  /** A fatal error for this stream only; the stream is closed afterwards. */
  | { kind: 'error'; code: EngineErrorCode; message: string };

export type EngineErrorCode =
  | 'INVALID_AUDIO'
  | 'INVALID_OPTIONS'
  | 'STREAM_CLOSED'
  | 'MODEL_ERROR'
  | 'OVERLOADED';

export interface AsrStream {
  readonly id: string;
  /** Raw bytes in the stream's encoding. Empty pushes are ignored; odd byte counts for s16le are carried over. */
  push(audio: Uint8Array): void;
  updateOptions(options: Partial<TurnDetectionOptions>): void;
  /**
   * Replace the stream's keyterms (see StreamOptions.keyterms); applies to audio decoded from now on.
   * Where the stream's search cannot use them, a line is added to `warnings`.
   */
  updateKeyterms(keyterms: string[]): void;
  /**
   * What the stream asked for that it does not get, in words, oldest first (e.g. keyterms with a
   * search that cannot bias toward them): never silently ignored; each is for the client as a Warning.
   */
  readonly warnings: readonly string[];
  /** End the current turn now (protocol ForceEndpoint); with beam search, as soon as the worker has committed its best path. */
  forceEndpoint(): void;
  /** Decode everything pushed so far and finalise it; resolves after the last event was emitted. */
  flush(): Promise<void>;
  /** Free the stream's state; no events after this. */
  close(): void;
  on(listener: (event: StreamEvent) => void): void;
}

export interface EngineOptions {
  /** Folder of a model in a supported format (own T-one-style CTC, sherpa-onnx zipformer/zipformer2 transducer). */
  modelDir: string;
  /** Worker threads running inference. */
  workers?: number;
  /** Intra-op threads per worker. */
  threadsPerWorker?: number;
  /** How long the batcher waits to gather chunks from several streams (ms). */
  batchWindowMs?: number;
  maxBatchSize?: number;
  /** 'auto' probes for CUDA and falls back to CPU. */
  provider?: 'auto' | 'cpu' | 'cuda';
  /** Silero VAD model; default: endpointing/vad-model.ts (the model search path, then the npm-installed copy). */
  vadModelPath?: string;
  /** Prefer int8-quantised files (model.int8.onnx, *.int8.onnx) when the folder has both. Default false. */
  preferInt8?: boolean;
  /** false runs without the VAD: speech/silence then come from the decoder's blank frames. Default true. */
  vad?: boolean;
  /**
   * Search for streams that do not choose one. 'auto': modified_beam_search when the model folder
   * ships tuned search settings (decoding.json: language model, lexicon), else greedy_search.
   * Default greedy_search (what the conformance tests compare with sherpa-onnx).
   */
  decoding?: 'auto' | 'greedy_search' | 'modified_beam_search';
  /**
   * Finalisation policy of every search (decoders/finalization.ts): a word becomes final once its
   * end is this many ms of audio in the past (plus at most one model chunk). null turns it off
   * (a beam search then finalises only what all its paths agree on). Default
   * DEFAULT_FINALIZE_AFTER_MS.
   */
  finalizeAfterMs?: number | null;
  /**
   * With the VAD and the policy on: the last word before a pause becomes final once the VAD has
   * heard this many ms of silence after it (decoders/finalization.ts, VadSilence); null = only
   * after SEAL_AFTER_MS of decoded frames. Default ASR_VAD_SEAL_MS, else DEFAULT_VAD_SEAL_MS.
   */
  vadSealMs?: number | null;
  /**
   * The VAD seal may run the audio of a chunk not yet whole on a copy of the model state (the
   * look-ahead, decoders/finalization.ts) instead of waiting for the chunk. Default
   * ASR_VAD_LOOKAHEAD, else on.
   */
  vadLookAhead?: boolean;
  /** Engine start-up and worker failures. Default: logs nothing (the runtime passes its logger). */
  logger?: Logger;
}

/** What the served model's recognizer can do (the worker's Accepted reports it to clients). */
export interface ModelCapabilities {
  /** The searches a stream may choose. */
  decodings: ('greedy_search' | 'modified_beam_search')[];
  /** The searches that favour a stream's keyterms; with any other, keyterms have no effect (and the stream gets a warning). */
  keytermDecodings: ('greedy_search' | 'modified_beam_search')[];
}

export interface ModelInfo {
  type: string;
  sampleRate: number;
  chunkMs: number;
  vocabSize: number;
  provider: 'cpu' | 'cuda';
  capabilities: ModelCapabilities;
}

export interface AsrEngine {
  readonly model: ModelInfo;
  createStream(options: StreamOptions): AsrStream;
  readonly activeStreams: number;
  close(): Promise<void>;
}
