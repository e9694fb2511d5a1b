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
 * cache, seen again). Every state has the batch on axis 0. The blank is the last id
 * (vocab_size in the metadata leaves it out). Features are sherpa-onnx's streaming fbank, as its
 * online CTC recognizer feeds these models (no normalize_type is applied: streaming exports have none).
 */
type NemoState = (Float32Array | BigInt64Array)[];

const META_DIMS = ['cache_last_channel_dim1', 'cache_last_channel_dim2', 'cache_last_channel_dim3', 'cache_last_time_dim1', 'cache_last_time_dim2', 'cache_last_time_dim3'];

export class NemoCtcModel implements CtcModel<NemoState> {
  readonly kind = 'ctc';
  private lengths = new BigInt64Array(0);

  private constructor(
    readonly dir: string,
    readonly description: ModelDescription,
    readonly tokens: TokenTable,
    private readonly session: ort.InferenceSession,
    private readonly specs: StateSpec[],
    private readonly featureDim: number,
    private readonly windowFrames: number,
    private readonly shiftFrames: number,
  ) {}

  static matches(meta: Record<string, string>): boolean {
    return 'window_size' in meta && 'chunk_shift' in meta && 'cache_last_channel_dim1' in meta;
  }

  static async load(dir: string, modelPath: string, meta: Record<string, string>, settings: SessionSettings): Promise<NemoCtcModel> {
    const tokensPath = join(dir, 'tokens.txt');
    if (!existsSync(tokensPath)) throw new ModelFormatError(`${dir}: tokens.txt is missing`);
    const int = (k: string) => {
      const v = Number(meta[k]);
      if (!Number.isInteger(v) || v <= 0) throw new ModelFormatError(`${modelPath}: metadata '${k}' is missing or invalid`);
      return v;
    };
    const window = int('window_size');
    const shift = int('chunk_shift');
    const subsampling = int('subsampling_factor');
    const vocabSize = int('vocab_size') + 1; // NeMo counts the vocabulary without the blank
    const [c1, c2, c3, t1, t2, t3] = META_DIMS.map(int);
    const specs: StateSpec[] = [
      { name: 'cache_last_channel', shape: [1, c1, c2, c3], batchAxis: 0, type: 'float32' },
      { name: 'cache_last_time', shape: [1, t1, t2, t3], batchAxis: 0, type: 'float32' },
      { name: 'cache_last_channel_len', shape: [1], batchAxis: 0, type: 'int64' },
    ];
    const tokens = readTokens(tokensPath);
    if (tokens.symbols.length !== vocabSize) throw new ModelFormatError(`${dir}: tokens.txt has ${tokens.symbols.length} tokens, the model ${vocabSize} (vocab_size + blank)`);
    const session = await openSession(modelPath, settings);
    if (session.inputNames.length !== 5 || session.outputNames.length !== 5) {
      await session.release();
      throw new ModelFormatError(`${modelPath}: a NeMo streaming CTC model has 5 inputs and 5 outputs, found ${session.inputNames.length} and ${session.outputNames.length}`);
    }
    const x = session.inputMetadata[0] as { shape?: (number | string)[] };
    const featureDim = typeof x.shape?.[1] === 'number' ? (x.shape[1] as number) : 80;
    const description: ModelDescription = { type: 'nemo_ctc', sampleRate: 16000, chunkMs: shift * 10, frameMs: 10 * subsampling, vocabSize };
    return new NemoCtcModel(dir, description, tokens, session, specs, featureDim, window, shift);
  }

  createFrontEnd(): FrontEnd {
    return new ChunkedFbank(16000, this.windowFrames, this.shiftFrames, this.featureDim);
  }

  createState(): NemoState {
    return createStateTensors(this.specs);
  }

  async forward(states: NemoState[], chunks: Float32Array[]): Promise<CtcOutput> {
    const n = states.length;
    const t = this.windowFrames;
    const dim = this.featureDim;
    // The front end gives frames time-major [T, C]; the model reads [C, T].
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
    const logProbs = out[this.session.outputNames[0]];
    const [, frames, vocab] = logProbs.dims as number[];
    return { logProbs: logProbs.data as Float32Array, frames, vocab };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The registry's entry: model.onnx (or model.int8.onnx) with NeMo's streaming cache metadata and no decoder beside it. */
export const nemoCtcEntry: ModelEntry = {
  name: 'nemo_ctc',
  matches: (folder: ModelFolder) => folder.single !== null && folder.pick('decoder') === null && NemoCtcModel.matches(folder.metadata(folder.single)),
  load: (folder: ModelFolder) => NemoCtcModel.load(folder.dir, folder.single!, folder.metadata(folder.single!), folder.settings),
};
