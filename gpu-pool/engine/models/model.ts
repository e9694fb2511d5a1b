import type { StatefulTransducerNets } from '../decoders/transducer-greedy-stateful.ts';
import type { TransducerNets } from '../decoders/transducer-greedy.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { TokenTable } from './tokens.ts';

/**
 * What a network is: its audio framing and output units. One implementation per format
 * (tone-ctc.ts, zipformer-transducer.ts, zipformer2-ctc.ts, nemo-ctc.ts, nemo-transducer.ts), each listed once in
 * registry.ts. A model holds networks and the stacking of its per-stream states only; which
 * search runs over its outputs, keyterms, finalisation and end-of-turn commits belong to the
 * recognizers (recognizers/).
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

interface NetworkBase {
  /** The model folder (decoding.json, the LM and the lexicon of a search live beside the networks). */
  readonly dir: string;
  readonly description: ModelDescription;
  readonly tokens: TokenTable;
  /** The stream's feature extractor or raw framer, producing the chunks `forward` takes. */
  createFrontEnd(): FrontEnd;
  release(): Promise<void>;
}

/** One batched CTC forward: log-probabilities [N, frames, vocab], row-major, stream by stream. */
export interface CtcOutput {
  logProbs: Float32Array;
  frames: number;
  vocab: number;
}

/** A streaming CTC network: chunk + carried state in, per-frame log-probabilities + next state out. */
export interface CtcModel<S = unknown> extends NetworkBase {
  readonly kind: 'ctc';
  /** A fresh stream's carried state (zeros, as sherpa-onnx's GetInitStates). */
  createState(): S;
  /** Runs one chunk of each stream in one call (states stacked on the batch axis) and updates each state. */
  forward(states: S[], chunks: Float32Array[]): Promise<CtcOutput>;
  /** A copy `forward` may update while the stream's own state stays as it was (the VAD seal's look-ahead). */
  cloneState?(state: S): S;
}

/** One batched transducer encoder run: encoder frames [N, frames, dim]. */
export interface EncoderOutput {
  encoderOut: Float32Array;
  frames: number;
  dim: number;
}

/** A streaming transducer: encoder with carried state, plus the decoder and joiner the searches call. */
export interface TransducerModel<S = unknown> extends NetworkBase, TransducerNets {
  readonly kind: 'transducer';
  createState(): S;
  runEncoder(states: S[], chunks: Float32Array[]): Promise<EncoderOutput>;
}

/**
 * A streaming transducer whose prediction network carries a state from token to token (NeMo's
 * LSTM decoder), instead of reading the last context_size tokens.
 */
export interface StatefulTransducerModel<S = unknown, P = unknown> extends NetworkBase, StatefulTransducerNets<P> {
  readonly kind: 'stateful_transducer';
  createState(): S;
  /** Encoder frames time-major [N, frames, dim]. */
  runEncoder(states: S[], chunks: Float32Array[]): Promise<EncoderOutput>;
}

export type AcousticModel = CtcModel | TransducerModel | StatefulTransducerModel;

/** The searches a recognizer may run (recognizers/recognizer.ts). */
export type DecodingMethod = 'greedy_search' | 'modified_beam_search';
