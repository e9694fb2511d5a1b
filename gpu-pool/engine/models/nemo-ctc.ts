import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkedFbank } from '../features/chunked-fbank.ts';
import { ModelFormatError } from '../errors.ts';
import { readTokens, type TokenTable } from './tokens.ts';
import { openSession, ort, type SessionSettings } from './session.ts';
import { createStateTensors, stackStateFeeds, unstackStateOutputs, type StateSpec } from './state-stacking.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { CtcModel, CtcOutput, ModelDescription } from './model.ts';
import type { ModelEntry, ModelFolder } from './registry.ts';

/**
 * NeMo cache-aware streaming FastConformer, CTC branch (sherpa-onnx's OnlineNeMoCtcModel; NVIDIA's
 * stt_en_fastconformer_hybrid_large_streaming_* and the models exported like them). One file:
 *   in   audio_signal [N, feat, window_size] (fbank, feature-major), length [N] (int64, = window_size),
 *        cache_last_channel [N, d1, d2, d3], cache_last_time [N, d1, d2, d3], cache_last_channel_len [N] (int64)
 *   out  log-probs [N, chunk_shift / subsampling_factor, vocab_size + 1], lengths (unused), the three next caches
 * Chunks are window_size feature frames advancing by chunk_shift (the rest is the pre-encode
 * cache, seen again). Every state has the batch on axis 0 (NemoCacheAwareEncoder, shared with nemo-transducer.ts). The blank is the last id
 * (vocab_size in the metadata leaves it out). Features are sherpa-onnx's streaming fbank, as its
 * online CTC recognizer feeds these models (no normalize_type is applied: streaming exports have none).
 */
export type NemoState = (Float32Array | BigInt64Array)[];

const META_DIMS = ['cache_last_channel_dim1', 'cache_last_channel_dim2', 'cache_last_channel_dim3', 'cache_last_time_dim1', 'cache_last_time_dim2', 'cache_last_time_dim3'];

/**
 * NeMo's cache-aware streaming encoder as sherpa-onnx exports it, shared by the CTC and the
 * transducer export: its metadata, its three caches (batch axis 0) and one batched run.
 */
export class NemoCacheAwareEncoder {
  private lengths = new BigInt64Array(0);
  readonly windowFrames: number;
  readonly shiftFrames: number;
  readonly subsampling: number;
  /** Including the blank (NeMo's vocab_size leaves it out). */
  readonly vocabSize: number;
  readonly featureDim: number;
  readonly specs: StateSpec[];

  constructor(
    readonly session: ort.InferenceSession,
    readonly path: string,
    readonly meta: Record<string, string>,
  ) {
    this.windowFrames = metaInt(path, meta, 'window_size');
    this.shiftFrames = metaInt(path, meta, 'chunk_shift');
    this.subsampling = metaInt(path, meta, 'subsampling_factor');
    this.vocabSize = metaInt(path, meta, 'vocab_size') + 1;
    const [c1, c2, c3, t1, t2, t3] = META_DIMS.map((k) => metaInt(path, meta, k));
    this.specs = [
      { name: 'cache_last_channel', shape: [1, c1, c2, c3], batchAxis: 0, type: 'float32' },
      { name: 'cache_last_time', shape: [1, t1, t2, t3], batchAxis: 0, type: 'float32' },
      { name: 'cache_last_channel_len', shape: [1], batchAxis: 0, type: 'int64' },
    ];
    if (session.inputNames.length !== 5 || session.outputNames.length !== 5) {
      throw new ModelFormatError(`${path}: a NeMo cache-aware streaming encoder has 5 inputs and 5 outputs, found ${session.inputNames.length} and ${session.outputNames.length}`);
    }
    const x = session.inputMetadata[0] as { shape?: (number | string)[] };
    this.featureDim = typeof x.shape?.[1] === 'number' ? (x.shape[1] as number) : 80;
  }

  describe(type: string): ModelDescription {
    return { type, sampleRate: 16000, chunkMs: this.shiftFrames * 10, frameMs: 10 * this.subsampling, vocabSize: this.vocabSize };
  }

  /** One chunk per stream ([window, feat] time-major, as the front end gives it) → the encoder's first output, states moved on. */
  async run(states: NemoState[], chunks: Float32Array[]): Promise<ort.Tensor> {
    const n = states.length;
    const t = this.windowFrames;
    const dim = this.featureDim;
    // The model reads [C, T].
    const x = new Float32Array(n * dim * t);
    chunks.forEach((c, b) => {
      const o = b * dim * t;
      for (let f = 0; f < t; f++) for (let k = 0; k < dim; k++) x[o + k * t + f] = c[f * dim + k];
    });
    if (this.lengths.length < n) this.lengths = new BigInt64Array(n).fill(BigInt(t));
    const names = this.session.inputNames;
    const feeds: Record<string, ort.Tensor> = {
      [names[0]]: new ort.Tensor('float32', x, [n, dim, t]),
      [names[1]]: new ort.Tensor('int64', this.lengths.subarray(0, n), [n]),
    };
    stackStateFeeds(this.specs, states, names, 2, feeds);
    const out = await this.session.run(feeds);
    unstackStateOutputs(this.specs, states, this.session.outputNames, 2, out);
    return out[this.session.outputNames[0]];
  }
}

export function isNemoStreamingMetadata(meta: Record<string, string>): boolean {
  return 'window_size' in meta && 'chunk_shift' in meta && 'cache_last_channel_dim1' in meta;
}

function metaInt(path: string, meta: Record<string, string>, key: string): number {
  const v = Number(meta[key]);
  if (!Number.isInteger(v) || v <= 0) throw new ModelFormatError(`${path}: metadata '${key}' is missing or invalid`);
  return v;
}

export class NemoCtcModel implements CtcModel<NemoState> {
  readonly kind = 'ctc';

  private constructor(
    readonly dir: string,
    readonly description: ModelDescription,
    readonly tokens: TokenTable,
    private readonly encoder: NemoCacheAwareEncoder,
  ) {}

  static matches(meta: Record<string, string>): boolean {
    return isNemoStreamingMetadata(meta);
  }

  static async load(dir: string, modelPath: string, meta: Record<string, string>, settings: SessionSettings): Promise<NemoCtcModel> {
    const tokensPath = join(dir, 'tokens.txt');
    if (!existsSync(tokensPath)) throw new ModelFormatError(`${dir}: tokens.txt is missing`);
    const tokens = readTokens(tokensPath);
    const session = await openSession(modelPath, settings);
    try {
      const encoder = new NemoCacheAwareEncoder(session, modelPath, meta);
      if (tokens.symbols.length !== encoder.vocabSize) throw new ModelFormatError(`${dir}: tokens.txt has ${tokens.symbols.length} tokens, the model ${encoder.vocabSize} (vocab_size + blank)`);
      return new NemoCtcModel(dir, encoder.describe('nemo_ctc'), tokens, encoder);
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  createFrontEnd(): FrontEnd {
    const e = this.encoder;
    return new ChunkedFbank(16000, e.windowFrames, e.shiftFrames, e.featureDim);
  }

  createState(): NemoState {
    return createStateTensors(this.encoder.specs);
  }

  async forward(states: NemoState[], chunks: Float32Array[]): Promise<CtcOutput> {
    const logProbs = await this.encoder.run(states, chunks);
    const [, frames, vocab] = logProbs.dims as number[];
    return { logProbs: logProbs.data as Float32Array, frames, vocab };
  }

  async release(): Promise<void> {
    await this.encoder.session.release();
  }
}

/** The registry's entry: model.onnx (or model.int8.onnx) with NeMo's streaming cache metadata and no decoder beside it. */
export const nemoCtcEntry: ModelEntry = {
  name: 'nemo_ctc',
  matches: (folder: ModelFolder) => folder.single !== null && folder.pick('decoder') === null && NemoCtcModel.matches(folder.metadata(folder.single)),
  load: (folder: ModelFolder) => NemoCtcModel.load(folder.dir, folder.single!, folder.metadata(folder.single!), folder.settings),
};
