import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkedFbank } from '../features/chunked-fbank.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import { readTokens, type TokenTable } from './tokens.ts';
import { openSession, ort, type SessionSettings } from './session.ts';
import { createStateTensors, stackStateFeeds, unstackStateOutputs, type StateSpec } from './state-stacking.ts';
import { ModelFormatError } from '../errors.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { EncoderOutput, ModelDescription, TransducerModel } from './model.ts';
import type { ModelEntry, ModelFolder } from './registry.ts';

/**
 * sherpa-onnx / icefall streaming zipformer2 (and zipformer v1) transducer: encoder (fbank chunk + cached states
 * → encoder_out + new states), decoder (last context_size tokens → decoder_out), joiner.
 * State layout per encoder layer (6 tensors) as sherpa-onnx's OnlineZipformer2TransducerModel:
 * cached_key [left, N, key_dim], cached_nonlin_attn [1, N, left, 3·dim/4], cached_val1/2
 * [left, N, value_dim], cached_conv1/2 [N, dim, kernel/2]; then embed_states
 * [N, 128, 3, ((feat−1)/2−1)/2] and processed_lens [N] (int64).
 */
type ZipState = (Float32Array | BigInt64Array)[];

const FEATURE_DIM = 80;
const SUBSAMPLING_FRAME_MS = 40; // 10 ms fbank frames × subsampling 4

export class ZipformerTransducerModel implements TransducerModel<ZipState> {
  readonly kind = 'transducer';
  readonly blankId = 0;
  readonly unkId: number;

  private constructor(
    readonly dir: string,
    readonly description: ModelDescription,
    readonly tokens: TokenTable,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly joiner: ort.InferenceSession,
    private readonly specs: StateSpec[],
    private readonly chunkFrames: number,
    private readonly shiftFrames: number,
    readonly contextSize: number,
    readonly vocabSize: number,
    readonly decoderDim: number,
  ) {
    this.unkId = tokens.symbols.indexOf('<unk>');
  }

  static matches(meta: Record<string, string>): boolean {
    return meta.model_type === 'zipformer2' || meta.model_type === 'zipformer';
  }

  static async load(dir: string, files: string[], settings: SessionSettings): Promise<ZipformerTransducerModel> {
    const pick = (role: string) => {
      const cands = files.filter((f) => f.startsWith(role) && f.endsWith('.onnx'));
      // Prefer full precision unless only a quantised export is present.
      const chosen = (settings.preferInt8 ? cands.find((f) => f.includes('int8')) : undefined) ?? cands.find((f) => !f.includes('int8')) ?? cands[0];
      if (!chosen) throw new ModelFormatError(`${dir}: ${role}*.onnx is missing`);
      return join(dir, chosen);
    };
    const encoderPath = pick('encoder');
    const decoderPath = pick('decoder');
    const joinerPath = pick('joiner');
    const tokensPath = join(dir, 'tokens.txt');
    if (!existsSync(tokensPath)) throw new ModelFormatError(`${dir}: tokens.txt is missing`);
    const meta = readOnnxMetadata(encoderPath);
    const v1 = meta.model_type === 'zipformer';
    if (!v1 && meta.model_type !== 'zipformer2') throw new ModelFormatError(`${encoderPath}: model type '${meta.model_type}' is not supported (zipformer, zipformer2 are)`);
    const vec = (k: string) => {
      if (!meta[k]) throw new ModelFormatError(`${encoderPath}: metadata '${k}' is missing`);
      return meta[k].split(',').map((x) => Number(x.trim()));
    };
    const encoderDims = vec('encoder_dims');
    const numLayers = vec('num_encoder_layers');
    const kernels = vec('cnn_module_kernels');
    const leftContext = vec('left_context_len');
    const T = Number(meta.T);
    const decodeChunk = Number(meta.decode_chunk_len);
    if (!(T > 0) || !(decodeChunk > 0)) throw new ModelFormatError(`${encoderPath}: metadata T / decode_chunk_len missing`);
    const dmeta = readOnnxMetadata(decoderPath);
    const contextSize = Number(dmeta.context_size);
    const vocabSize = Number(dmeta.vocab_size);
    if (!(contextSize > 0) || !(vocabSize > 0)) throw new ModelFormatError(`${decoderPath}: metadata context_size / vocab_size missing`);
    const tokens = readTokens(tokensPath);
    const specs = v1
      ? zipformerV1States(encoderDims, vec('attention_dims'), numLayers, kernels, leftContext)
      : zipformer2States(encoderDims, vec('query_head_dims'), vec('value_head_dims'), vec('num_heads'), numLayers, kernels, leftContext);
    const [encoder, decoder, joiner] = await Promise.all([
      openSession(encoderPath, settings),
      openSession(decoderPath, settings),
      openSession(joinerPath, settings),
    ]);
    if (encoder.inputNames.length !== specs.length + 1) {
      throw new ModelFormatError(`${encoderPath}: expected ${specs.length + 1} inputs (x + states), found ${encoder.inputNames.length}`);
    }
    const dOut = decoder.outputMetadata[0] as { shape?: (number | string)[] };
    const decoderDim = typeof dOut.shape?.[1] === 'number' ? (dOut.shape[1] as number) : 0;
    const description: ModelDescription = {
      type: v1 ? 'zipformer' : 'zipformer2',
      sampleRate: 16000,
      chunkMs: decodeChunk * 10,
      frameMs: SUBSAMPLING_FRAME_MS,
      vocabSize,
    };
    return new ZipformerTransducerModel(dir, description, tokens, encoder, decoder, joiner, specs, T, decodeChunk, contextSize, vocabSize, decoderDim);
  }

  createFrontEnd(): FrontEnd {
    return new ChunkedFbank(16000, this.chunkFrames, this.shiftFrames, FEATURE_DIM);
  }

  createState(): ZipState {
    return createStateTensors(this.specs);
  }

  async runEncoder(states: ZipState[], chunks: Float32Array[]): Promise<EncoderOutput> {
    const n = states.length;
    const x = new Float32Array(n * this.chunkFrames * FEATURE_DIM);
    chunks.forEach((c, b) => x.set(c, b * c.length));
    const feeds: Record<string, ort.Tensor> = { [this.encoder.inputNames[0]]: new ort.Tensor('float32', x, [n, this.chunkFrames, FEATURE_DIM]) };
    stackStateFeeds(this.specs, states, this.encoder.inputNames, 1, feeds);
    const out = await this.encoder.run(feeds);
    const encOut = out[this.encoder.outputNames[0]];
    const [, frames, dim] = encOut.dims as number[];
    unstackStateOutputs(this.specs, states, this.encoder.outputNames, 1, out);
    return { encoderOut: encOut.data as Float32Array, frames, dim };
  }

  async runDecoder(contexts: BigInt64Array, n: number): Promise<Float32Array> {
    const out = await this.decoder.run({ [this.decoder.inputNames[0]]: new ort.Tensor('int64', contexts, [n, this.contextSize]) });
    return out[this.decoder.outputNames[0]].data as Float32Array;
  }

  async runJoiner(encoderFrames: Float32Array, decoderOut: Float32Array, n: number): Promise<Float32Array> {
    const dim = encoderFrames.length / n;
    const out = await this.joiner.run({
      [this.joiner.inputNames[0]]: new ort.Tensor('float32', encoderFrames, [n, dim]),
      [this.joiner.inputNames[1]]: new ort.Tensor('float32', decoderOut, [n, decoderOut.length / n]),
    });
    return out[this.joiner.outputNames[0]].data as Float32Array;
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release(), this.joiner.release()]);
  }
}

/** The registry's entry: encoder*.onnx whose metadata says zipformer or zipformer2, with a decoder and a joiner. */
export const zipformerTransducerEntry: ModelEntry = {
  name: 'zipformer / zipformer2 transducer',
  matches: (folder) => {
    const encoder = folder.pick('encoder');
    return encoder !== null && folder.pick('decoder') !== null && ZipformerTransducerModel.matches(folder.metadata(encoder));
  },
  load: (folder: ModelFolder) => ZipformerTransducerModel.load(folder.dir, [...folder.files], folder.settings),
};

/** zipformer2: 6 tensors per layer, then embed_states and processed_lens (sherpa-onnx order; the CTC export has the same). */
export function zipformer2States(encoderDims: number[], queryHeadDims: number[], valueHeadDims: number[], numHeads: number[], numLayers: number[], kernels: number[], leftContext: number[]): StateSpec[] {
  const specs: StateSpec[] = [];
  let layer = 0;
  encoderDims.forEach((dim, i) => {
    const keyDim = queryHeadDims[i] * numHeads[i];
    const valueDim = valueHeadDims[i] * numHeads[i];
    for (let j = 0; j < numLayers[i]; j++, layer++) {
      specs.push(
        { name: `cached_key_${layer}`, shape: [leftContext[i], 1, keyDim], batchAxis: 1, type: 'float32' },
        { name: `cached_nonlin_attn_${layer}`, shape: [1, 1, leftContext[i], (3 * dim) / 4], batchAxis: 1, type: 'float32' },
        { name: `cached_val1_${layer}`, shape: [leftContext[i], 1, valueDim], batchAxis: 1, type: 'float32' },
        { name: `cached_val2_${layer}`, shape: [leftContext[i], 1, valueDim], batchAxis: 1, type: 'float32' },
        { name: `cached_conv1_${layer}`, shape: [1, dim, Math.floor(kernels[i] / 2)], batchAxis: 0, type: 'float32' },
        { name: `cached_conv2_${layer}`, shape: [1, dim, Math.floor(kernels[i] / 2)], batchAxis: 0, type: 'float32' },
      );
    }
  });
  const embedDim = Math.floor((Math.floor((FEATURE_DIM - 1) / 2) - 1) / 2);
  specs.push({ name: 'embed_states', shape: [1, 128, 3, embedDim], batchAxis: 0, type: 'float32' });
  specs.push({ name: 'processed_lens', shape: [1], batchAxis: 0, type: 'int64' });
  return specs;
}

/**
 * zipformer (v1, icefall pruned_transducer_stateless7_streaming): seven groups in this order,
 * one tensor per encoder stack each: cached_len [L, N] (int64), cached_avg [L, N, D],
 * cached_key [L, left, N, A], cached_val / cached_val2 [L, left, N, A/2], cached_conv1 / 2
 * [L, N, D, K−1] (sherpa-onnx's OnlineZipformerTransducerModel).
 */
function zipformerV1States(encoderDims: number[], attentionDims: number[], numLayers: number[], kernels: number[], leftContext: number[]): StateSpec[] {
  const n = encoderDims.length;
  const group = (make: (i: number) => StateSpec) => Array.from({ length: n }, (_, i) => make(i));
  return [
    ...group((i) => ({ name: `cached_len_${i}`, shape: [numLayers[i], 1], batchAxis: 1, type: 'int64' })),
    ...group((i) => ({ name: `cached_avg_${i}`, shape: [numLayers[i], 1, encoderDims[i]], batchAxis: 1, type: 'float32' })),
    ...group((i) => ({ name: `cached_key_${i}`, shape: [numLayers[i], leftContext[i], 1, attentionDims[i]], batchAxis: 2, type: 'float32' })),
    ...group((i) => ({ name: `cached_val_${i}`, shape: [numLayers[i], leftContext[i], 1, attentionDims[i] / 2], batchAxis: 2, type: 'float32' })),
    ...group((i) => ({ name: `cached_val2_${i}`, shape: [numLayers[i], leftContext[i], 1, attentionDims[i] / 2], batchAxis: 2, type: 'float32' })),
    ...group((i) => ({ name: `cached_conv1_${i}`, shape: [numLayers[i], 1, encoderDims[i], kernels[i] - 1], batchAxis: 1, type: 'float32' })),
    ...group((i) => ({ name: `cached_conv2_${i}`, shape: [numLayers[i], 1, encoderDims[i], kernels[i] - 1], batchAxis: 1, type: 'float32' })),
  ];
}
