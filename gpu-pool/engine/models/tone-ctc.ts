import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RawFramer } from '../features/raw-frames.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import { readTokens, type TokenTable } from './tokens.ts';
import { openSession, ort, type SessionSettings } from './session.ts';
import { ModelFormatError } from '../errors.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { CtcModel, CtcOutput, ModelDescription } from './model.ts';
import type { ModelEntry } from './registry.ts';

/**
 * T-one streaming CTC (Earshot's own model format; sherpa-onnx's `t_one_ctc`):
 * raw int32 samples [N, num_samples, 1] + one flat float16 state [N, state_dim] in;
 * log-probs [N, T, V] + next state out. Chunks are non-overlapping frames of
 * frame_length_ms; the state is the only memory, so batching is stacking rows.
 */
type ToneState = Uint16Array; // float16 bits

export class ToneCtcModel implements CtcModel<ToneState> {
  readonly kind = 'ctc';
  /** Batch input buffers, grown to the largest batch seen and reused (runs never overlap). */
  private samplesIn = new Int32Array(0);
  private statesIn = new Uint16Array(0);

  private constructor(
    readonly dir: string,
    readonly description: ModelDescription,
    readonly tokens: TokenTable,
    private readonly session: ort.InferenceSession,
    private readonly samplesPerChunk: number,
    private readonly stateDim: number,
  ) {}

  static matches(metadata: Record<string, string>): boolean {
    return metadata.model_type === 't_one_ctc' || ('frame_length_ms' in metadata && 'state_dim' in metadata);
  }

  static async load(dir: string, settings: SessionSettings, modelPath = join(dir, 'model.onnx')): Promise<ToneCtcModel> {
    const meta = readMeta(modelPath);
    const frameLengthMs = intMeta(meta, 'frame_length_ms');
    const stateDim = intMeta(meta, 'state_dim');
    const sampleRate = intMeta(meta, 'sample_rate');
    const tokensPath = join(dir, 'tokens.txt');
    if (!existsSync(tokensPath)) throw new ModelFormatError(`${dir}: tokens.txt is missing`);
    const tokens = readTokens(tokensPath);
    const session = await openSession(modelPath, settings);
    if (session.inputNames.length !== 2 || session.outputNames.length !== 2) {
      throw new ModelFormatError(`${modelPath}: a T-one CTC model has 2 inputs and 2 outputs`);
    }
    const samplesPerChunk = Math.round((sampleRate * frameLengthMs) / 1000);
    // T (output frames per chunk) is fixed by the architecture; read it from the output shape
    // when it is static, else assume 10.
    const outMeta = session.outputMetadata[0] as { shape?: (number | string)[] };
    const staticT = typeof outMeta.shape?.[1] === 'number' ? (outMeta.shape[1] as number) : 0;
    const vocab = typeof outMeta.shape?.[2] === 'number' ? (outMeta.shape[2] as number) : tokens.symbols.length;
    const framesPerChunk = staticT > 0 ? staticT : 10;
    const description: ModelDescription = {
      type: 't_one_ctc',
      sampleRate,
      chunkMs: frameLengthMs,
      frameMs: frameLengthMs / framesPerChunk,
      vocabSize: vocab,
    };
    return new ToneCtcModel(dir, description, tokens, session, samplesPerChunk, stateDim);
  }

  createFrontEnd(): FrontEnd {
    return new RawFramer(this.samplesPerChunk);
  }

  createState(): ToneState {
    return new Uint16Array(this.stateDim);
  }

  cloneState(state: ToneState): ToneState {
    return state.slice();
  }

  async forward(states: ToneState[], chunks: Float32Array[]): Promise<CtcOutput> {
    const n = states.length;
    const s = this.samplesPerChunk;
    if (this.samplesIn.length < n * s) {
      this.samplesIn = new Int32Array(n * s);
      this.statesIn = new Uint16Array(n * this.stateDim);
    }
    const x = this.samplesIn.subarray(0, n * s);
    for (let b = 0; b < n; b++) {
      const c = chunks[b];
      const o = b * s;
      for (let i = 0; i < s; i++) {
        // Same conversion as sherpa-onnx: clamp to [-1, 1], scale by 32767, truncate.
        let f = c[i];
        f = f > 1 ? 1 : f < -1 ? -1 : f;
        x[o + i] = Math.trunc(f * 32767);
      }
    }
    const st = this.statesIn.subarray(0, n * this.stateDim);
    for (let b = 0; b < n; b++) st.set(states[b], b * this.stateDim);
    const feeds: Record<string, ort.Tensor> = {
      [this.session.inputNames[0]]: new ort.Tensor('int32', x, [n, s, 1]),
      [this.session.inputNames[1]]: new ort.Tensor('float16', st, [n, this.stateDim]),
    };
    const out = await this.session.run(feeds);
    const logProbs = out[this.session.outputNames[0]];
    const next = out[this.session.outputNames[1]].data as Uint16Array;
    const [, t, v] = logProbs.dims as number[];
    for (let b = 0; b < n; b++) states[b].set(next.subarray(b * this.stateDim, (b + 1) * this.stateDim));
    out[this.session.outputNames[1]].dispose?.();
    return { logProbs: logProbs.data as Float32Array, frames: t, vocab: v };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The registry's entry: a folder with model.onnx (or model.int8.onnx) whose metadata says T-one. */
export const toneCtcEntry: ModelEntry = {
  name: 't_one_ctc',
  matches: (folder) => folder.single !== null && ToneCtcModel.matches(folder.metadata(folder.single)),
  load: (folder) => ToneCtcModel.load(folder.dir, folder.settings, folder.single!),
};

function readMeta(path: string): Record<string, string> {
  try {
    return readOnnxMetadata(path);
  } catch (err) {
    throw new ModelFormatError(`${path}: ${(err as Error).message}`);
  }
}

function intMeta(meta: Record<string, string>, key: string): number {
  const v = Number(meta[key]);
  if (!Number.isFinite(v) || v <= 0) throw new ModelFormatError(`model metadata '${key}' is missing or invalid`);
  return v;
}
