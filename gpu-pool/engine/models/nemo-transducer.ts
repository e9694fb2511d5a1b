import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkedFbank } from '../features/chunked-fbank.ts';
import { ModelFormatError } from '../errors.ts';
import { readTokens, type TokenTable } from './tokens.ts';
import { openSession, ort, type SessionSettings } from './session.ts';
import { createStateTensors, stack, unstackInto, batchedShape, type StateSpec } from './state-stacking.ts';
import { isNemoStreamingMetadata, NemoCacheAwareEncoder, type NemoState } from './nemo-ctc.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { EncoderOutput, ModelDescription, StatefulTransducerModel } from './model.ts';
import type { ModelEntry, ModelFolder } from './registry.ts';

/**
 * NeMo cache-aware streaming FastConformer, transducer branch (sherpa-onnx's
 * OnlineTransducerNeMoModel; NVIDIA's streaming FastConformer / Nemotron-class RNNT exports):
 *   encoder  the cache-aware encoder of nemo-ctc.ts, whose first output is encoder_out
 *            [N, d_model, frames] (feature-major); metadata also has pred_rnn_layers, pred_hidden
 *   decoder  targets [N, 1] int32, target_length [N] int32, LSTM h and c [layers, N, hidden]
 *            → outputs [N, hidden, 1], lengths, next h and c
 *   joiner   encoder_outputs [N, d_model, 1], decoder_outputs [N, hidden, 1] → logits [N, 1, 1, V]
 * Blank is the last id. Features are sherpa-onnx's for NeMo transducers: librosa mel filters,
 * from 0 Hz, no DC removal (normalize_type must be empty: streaming exports normalise nothing).
 */
type Predictor = [Float32Array, Float32Array];

export class NemoTransducerModel implements StatefulTransducerModel<NemoState, Predictor> {
  readonly kind = 'stateful_transducer';
  readonly blankId: number;
  readonly unkId: number;
  readonly vocabSize: number;
  private readonly predictorSpec: StateSpec;

  private constructor(
    readonly dir: string,
    readonly description: ModelDescription,
    readonly tokens: TokenTable,
    private readonly encoder: NemoCacheAwareEncoder,
    private readonly decoder: ort.InferenceSession,
    private readonly joiner: ort.InferenceSession,
    predLayers: number,
    predHidden: number,
  ) {
    this.vocabSize = encoder.vocabSize;
    this.blankId = encoder.vocabSize - 1;
    this.unkId = tokens.symbols.indexOf('<unk>');
    this.predictorSpec = { name: 'lstm', shape: [predLayers, 1, predHidden], batchAxis: 1, type: 'float32' };
  }

  static matches(meta: Record<string, string>): boolean {
    return isNemoStreamingMetadata(meta) && 'pred_rnn_layers' in meta && 'pred_hidden' in meta;
  }

  static async load(folder: ModelFolder): Promise<NemoTransducerModel> {
    const { dir, settings } = folder;
    const path = (role: string) => {
      const p = folder.pick(role);
      if (!p) throw new ModelFormatError(`${dir}: ${role}*.onnx is missing`);
      return p;
    };
    const [encoderPath, decoderPath, joinerPath] = [path('encoder'), path('decoder'), path('joiner')];
    const tokensPath = join(dir, 'tokens.txt');
    if (!existsSync(tokensPath)) throw new ModelFormatError(`${dir}: tokens.txt is missing`);
    const meta = folder.metadata(encoderPath);
    const normalize = meta.normalize_type ?? '';
    if (normalize !== '' && normalize !== 'NA' && normalize !== 'None') throw new ModelFormatError(`${encoderPath}: normalize_type '${normalize}' is not supported for streaming (only none)`);
    const layers = Number(meta.pred_rnn_layers);
    const hidden = Number(meta.pred_hidden);
    if (!(layers > 0) || !(hidden > 0)) throw new ModelFormatError(`${encoderPath}: metadata pred_rnn_layers / pred_hidden missing`);
    const tokens = readTokens(tokensPath);
    const sessions = await Promise.all([openSession(encoderPath, settings), openSession(decoderPath, settings), openSession(joinerPath, settings)]);
    try {
      const encoder = new NemoCacheAwareEncoder(sessions[0], encoderPath, meta);
      if (tokens.symbols.length !== encoder.vocabSize) throw new ModelFormatError(`${dir}: tokens.txt has ${tokens.symbols.length} tokens, the model ${encoder.vocabSize} (vocab_size + blank)`);
      if (tokens.blankId !== encoder.vocabSize - 1) throw new ModelFormatError(`${dir}: <blk> must be the last token of tokens.txt`);
      if (sessions[1].inputNames.length !== 4 || sessions[1].outputNames.length !== 4) throw new ModelFormatError(`${decoderPath}: a NeMo decoder has 4 inputs and 4 outputs (targets, lengths, 2 LSTM states)`);
      return new NemoTransducerModel(dir, encoder.describe('nemo_transducer'), tokens, encoder, sessions[1], sessions[2], layers, hidden);
    } catch (err) {
      await Promise.all(sessions.map((s) => s.release()));
      throw err;
    }
  }

  createFrontEnd(): FrontEnd {
    const e = this.encoder;
    return new ChunkedFbank(16000, e.windowFrames, e.shiftFrames, e.featureDim, NEMO_TRANSDUCER_FBANK);
  }

  createState(): NemoState {
    return createStateTensors(this.encoder.specs);
  }

  async runEncoder(states: NemoState[], chunks: Float32Array[]): Promise<EncoderOutput> {
    const out = await this.encoder.run(states, chunks);
    const [n, dim, frames] = out.dims as number[];
    const data = out.data as Float32Array;
    // [N, D, T] → [N, T, D]
    const encoderOut = new Float32Array(data.length);
    for (let b = 0; b < n; b++) {
      const o = b * dim * frames;
      for (let d = 0; d < dim; d++) for (let t = 0; t < frames; t++) encoderOut[o + t * dim + d] = data[o + d * frames + t];
    }
    return { encoderOut, frames, dim };
  }

  createPredictorState(): Predictor {
    const size = this.predictorSpec.shape.reduce((a, b) => a * b, 1);
    return [new Float32Array(size), new Float32Array(size)];
  }

  async runPredictor(tokens: Int32Array, states: Predictor[]): Promise<{ out: Float32Array; next: Predictor[] }> {
    const n = tokens.length;
    const spec = this.predictorSpec;
    const shape = batchedShape(spec, n);
    const names = this.decoder.inputNames;
    const make = (k: number) => new Float32Array(k);
    const out = await this.decoder.run({
      [names[0]]: new ort.Tensor('int32', tokens, [n, 1]),
      [names[1]]: new ort.Tensor('int32', new Int32Array(n).fill(1), [n]),
      [names[2]]: new ort.Tensor('float32', stack(spec, states.map((s) => s[0]), make), shape),
      [names[3]]: new ort.Tensor('float32', stack(spec, states.map((s) => s[1]), make), shape),
    });
    const outNames = this.decoder.outputNames;
    const next = states.map(() => this.createPredictorState());
    unstackInto(spec, out[outNames[2]].data as Float32Array, next.map((s) => s[0]));
    unstackInto(spec, out[outNames[3]].data as Float32Array, next.map((s) => s[1]));
    // outputs [N, H, 1]: already one row of H per stream.
    return { out: out[outNames[0]].data as Float32Array, next };
  }

  async runJoiner(encoderFrames: Float32Array, predictorOut: Float32Array, n: number): Promise<Float32Array> {
    const names = this.joiner.inputNames;
    const out = await this.joiner.run({
      [names[0]]: new ort.Tensor('float32', encoderFrames, [n, encoderFrames.length / n, 1]),
      [names[1]]: new ort.Tensor('float32', predictorOut, [n, predictorOut.length / n, 1]),
    });
    return out[this.joiner.outputNames[0]].data as Float32Array;
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.session.release(), this.decoder.release(), this.joiner.release()]);
  }
}

/** The fbank sherpa-onnx-node 1.13.8 computes for NeMo transducers (differences to its default). */
export const NEMO_TRANSDUCER_FBANK = { lowFreq: 0, highFreq: 8000, removeDc: false, window: 'hann', melScale: 'librosa' } as const;

/** The registry's entry: encoder*.onnx with NeMo's streaming cache and prediction-network metadata, plus decoder and joiner. */
export const nemoTransducerEntry: ModelEntry = {
  name: 'nemo_transducer',
  matches: (folder) => {
    const encoder = folder.pick('encoder');
    return encoder !== null && folder.pick('decoder') !== null && NemoTransducerModel.matches(folder.metadata(encoder));
  },
  load: (folder) => NemoTransducerModel.load(folder),
};
