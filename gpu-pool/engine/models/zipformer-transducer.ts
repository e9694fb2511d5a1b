import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkedFbank } from '../features/chunked-fbank.ts';
import { initialContext, transducerGreedy, type GreedyState, type TransducerNets } from '../decoders/transducer-greedy.ts';
import { createBeamState, finalizeBeam, transducerModifiedBeam, type BeamState } from '../decoders/transducer-modified-beam.ts';
import { finalizeAfterFrames, greedySealFrames } from '../decoders/finalization.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import { readTokens, type TokenTable } from './tokens.ts';
import { openSession, ort, type SessionSettings } from './session.ts';
import { batchedShape, stack, unstackInto, type StateSpec } from './state-stacking.ts';
import type { ChunkResult, DecodedToken } from '../decoders/chunk-result.ts';
import { ModelFormatError } from '../errors.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { DecodingMethod, ModelDescription, StreamingModel } from './model.ts';

/**
 * sherpa-onnx / icefall streaming zipformer2 (and zipformer v1) transducer: encoder (fbank chunk + cached states
 * → encoder_out + new states), decoder (last context_size tokens → decoder_out), joiner.
 * State layout per encoder layer (6 tensors) as sherpa-onnx's OnlineZipformer2TransducerModel:
 * cached_key [left, N, key_dim], cached_nonlin_attn [1, N, left, 3·dim/4], cached_val1/2
 * [left, N, value_dim], cached_conv1/2 [N, dim, kernel/2]; then embed_states
 * [N, 128, 3, ((feat−1)/2−1)/2] and processed_lens [N] (int64).
 */
interface ZipState {
  tensors: (Float32Array | BigInt64Array)[];
  method: DecodingMethod;
  greedy: GreedyState;
  beam: BeamState | null;
}

const FEATURE_DIM = 80;
const SUBSAMPLING_FRAME_MS = 40; // 10 ms fbank frames × subsampling 4

export class ZipformerTransducerModel implements StreamingModel<ZipState>, TransducerNets {
  readonly blankId = 0;
  readonly unkId: number;
  readonly decoderDim: number;

  private constructor(
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
    decoderDim: number,
    finalizeAfterMs: number | null | undefined,
  ) {
    this.decoderDim = decoderDim;
    this.unkId = tokens.symbols.indexOf('<unk>');
    this.startsWord = Uint8Array.from(tokens.symbols, (s, id) => (s.startsWith('\u2581') || tokens.separatorIds.has(id) ? 1 : 0));
    this.finalizeAfter = finalizeAfterFrames(finalizeAfterMs, description.frameMs);
    this.greedySealAfter = greedySealFrames(finalizeAfterMs, description.frameMs);
  }

  private readonly greedySealAfter: number | null;

  /** Per token: 1 when it starts a word (the finalisation policy's word boundaries). */
  private readonly startsWord: Uint8Array;
  /** The finalisation policy's bound in output frames (decoders/finalization.ts); null = off. */
  private readonly finalizeAfter: number | null;

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
    return new ZipformerTransducerModel(description, tokens, encoder, decoder, joiner, specs, T, decodeChunk, contextSize, vocabSize, decoderDim, settings.finalizeAfterMs);
  }

  createFrontEnd(): FrontEnd {
    return new ChunkedFbank(16000, this.chunkFrames, this.shiftFrames, FEATURE_DIM);
  }

  createState(method: DecodingMethod): ZipState {
    const tensors = this.specs.map((s) => {
      const size = s.shape.reduce((a, b) => a * b, 1);
      return s.type === 'int64' ? new BigInt64Array(size) : new Float32Array(size);
    });
    return {
      tensors,
      method,
      greedy: { context: initialContext(this.contextSize, this.blankId), decoderOut: null, frameOffset: 0 },
      beam: method === 'modified_beam_search' ? createBeamState(this.contextSize, this.blankId, 4, { startsWord: this.startsWord, finalizeAfter: this.finalizeAfter, sealAfter: this.greedySealAfter ?? Infinity }) : null,
    };
  }

  async runBatch(states: ZipState[], chunks: Float32Array[]): Promise<ChunkResult[]> {
    const n = states.length;
    const x = new Float32Array(n * this.chunkFrames * FEATURE_DIM);
    chunks.forEach((c, b) => x.set(c, b * c.length));
    const feeds: Record<string, ort.Tensor> = { [this.encoder.inputNames[0]]: new ort.Tensor('float32', x, [n, this.chunkFrames, FEATURE_DIM]) };
    this.specs.forEach((spec, i) => {
      const parts = states.map((s) => s.tensors[i]);
      const shape = batchedShape(spec, n);
      feeds[this.encoder.inputNames[i + 1]] =
        spec.type === 'int64'
          ? new ort.Tensor('int64', stack(spec, parts as BigInt64Array[], (k) => new BigInt64Array(k)), shape)
          : new ort.Tensor('float32', stack(spec, parts as Float32Array[], (k) => new Float32Array(k)), shape);
    });
    const out = await this.encoder.run(feeds);
    const encOut = out[this.encoder.outputNames[0]];
    const [, frames, dim] = encOut.dims as number[];
    this.specs.forEach((spec, i) => {
      const data = out[this.encoder.outputNames[i + 1]].data as Float32Array | BigInt64Array;
      unstackInto(spec, data as never, states.map((s) => s.tensors[i]) as never);
    });
    const encData = encOut.data as Float32Array;
    // Greedy and beam streams of the same batch are searched separately.
    const results: ChunkResult[] = new Array(n);
    const greedyIdx = states.map((s, i) => (s.method === 'greedy_search' ? i : -1)).filter((i) => i >= 0);
    const beamIdx = states.map((s, i) => (s.method !== 'greedy_search' ? i : -1)).filter((i) => i >= 0);
    const slice = (idx: number[]) => {
      if (idx.length === n) return encData;
      const o = new Float32Array(idx.length * frames * dim);
      idx.forEach((b, k) => o.set(encData.subarray(b * frames * dim, (b + 1) * frames * dim), k * frames * dim));
      return o;
    };
    if (greedyIdx.length > 0) {
      const r = await transducerGreedy(this, greedyIdx.map((i) => states[i].greedy), slice(greedyIdx), frames, dim, this.greedySealAfter);
      greedyIdx.forEach((i, k) => (results[i] = r[k]));
    }
    for (const i of beamIdx) {
      results[i] = await transducerModifiedBeam(this, states[i].beam!, encData.subarray(i * frames * dim, (i + 1) * frames * dim), frames, dim);
    }
    for (const k of Object.keys(out)) out[k].dispose?.();
    return results;
  }

  finalize(state: ZipState): DecodedToken[] {
    return state.beam ? finalizeBeam(state.beam) : [];
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

/** zipformer2: 6 tensors per layer, then embed_states and processed_lens (sherpa-onnx order). */
function zipformer2States(encoderDims: number[], queryHeadDims: number[], valueHeadDims: number[], numHeads: number[], numLayers: number[], kernels: number[], leftContext: number[]): StateSpec[] {
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
