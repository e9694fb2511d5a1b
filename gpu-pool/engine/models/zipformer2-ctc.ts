import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkedFbank } from '../features/chunked-fbank.ts';
import { ModelFormatError } from '../errors.ts';
import { readTokens, type TokenTable } from './tokens.ts';
import { openSession, ort, type SessionSettings } from './session.ts';
import { createStateTensors, stackStateFeeds, unstackStateOutputs, type StateSpec } from './state-stacking.ts';
import { zipformer2States } from './zipformer-transducer.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { CtcModel, CtcOutput, ModelDescription } from './model.ts';
import type { ModelEntry } from './registry.ts';

/**
 * icefall's streaming zipformer2 CTC (sherpa-onnx's OnlineZipformer2CtcModel): one model file,
 * fbank chunk x [N, T, 80] + the zipformer2 encoder states in (the transducer's layout: 6 per
 * layer, embed_states, processed_lens), log_probs [N, decode_chunk_len/4, V] + next states out.
 * Metadata as the transducer's encoder (model_type zipformer2, T, decode_chunk_len, dims); what
 * tells it apart is a single file with no decoder or joiner beside it.
 */
type Zip2CtcState = (Float32Array | BigInt64Array)[];

const FEATURE_DIM = 80;
const FRAME_MS = 40; // 10 ms fbank frames × subsampling 4

export class Zipformer2CtcModel implements CtcModel<Zip2CtcState> {
  readonly kind = 'ctc';

  private constructor(
    readonly dir: string,
    readonly description: ModelDescription,
    readonly tokens: TokenTable,
    private readonly session: ort.InferenceSession,
    private readonly specs: StateSpec[],
    private readonly chunkFrames: number,
    private readonly shiftFrames: number,
  ) {}

  static async load(dir: string, modelPath: string, meta: Record<string, string>, settings: SessionSettings): Promise<Zipformer2CtcModel> {
    const tokensPath = join(dir, 'tokens.txt');
    if (!existsSync(tokensPath)) throw new ModelFormatError(`${dir}: tokens.txt is missing`);
    const vec = (k: string) => {
      if (!meta[k]) throw new ModelFormatError(`${modelPath}: metadata '${k}' is missing`);
      return meta[k].split(',').map((x) => Number(x.trim()));
    };
    const specs = zipformer2States(vec('encoder_dims'), vec('query_head_dims'), vec('value_head_dims'), vec('num_heads'), vec('num_encoder_layers'), vec('cnn_module_kernels'), vec('left_context_len'));
    const T = Number(meta.T);
    const decodeChunk = Number(meta.decode_chunk_len);
    if (!(T > 0) || !(decodeChunk > 0)) throw new ModelFormatError(`${modelPath}: metadata T / decode_chunk_len missing`);
    const tokens = readTokens(tokensPath);
    const session = await openSession(modelPath, settings);
    if (session.inputNames.length !== specs.length + 1 || session.outputNames.length !== specs.length + 1) {
      await session.release();
      throw new ModelFormatError(`${modelPath}: a zipformer2 CTC model has ${specs.length + 1} inputs and outputs (x / log_probs + states), found ${session.inputNames.length} and ${session.outputNames.length}`);
    }
    // sherpa-onnx reads the vocabulary size from log_probs' shape.
    const out = session.outputMetadata[0] as { shape?: (number | string)[] };
    const vocabSize = typeof out.shape?.[2] === 'number' ? (out.shape[2] as number) : tokens.symbols.length;
    const description: ModelDescription = { type: 'zipformer2_ctc', sampleRate: 16000, chunkMs: decodeChunk * 10, frameMs: FRAME_MS, vocabSize };
    return new Zipformer2CtcModel(dir, description, tokens, session, specs, T, decodeChunk);
  }

  createFrontEnd(): FrontEnd {
    return new ChunkedFbank(16000, this.chunkFrames, this.shiftFrames, FEATURE_DIM);
  }

  createState(): Zip2CtcState {
    return createStateTensors(this.specs);
  }

  async forward(states: Zip2CtcState[], chunks: Float32Array[]): Promise<CtcOutput> {
    const n = states.length;
    const x = new Float32Array(n * this.chunkFrames * FEATURE_DIM);
    chunks.forEach((c, b) => x.set(c, b * c.length));
    const feeds: Record<string, ort.Tensor> = { [this.session.inputNames[0]]: new ort.Tensor('float32', x, [n, this.chunkFrames, FEATURE_DIM]) };
    stackStateFeeds(this.specs, states, this.session.inputNames, 1, feeds);
    const out = await this.session.run(feeds);
    unstackStateOutputs(this.specs, states, this.session.outputNames, 1, out);
    const logProbs = out[this.session.outputNames[0]];
    const [, frames, vocab] = logProbs.dims as number[];
    return { logProbs: logProbs.data as Float32Array, frames, vocab };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** model.onnx (or a ctc*.onnx export) with zipformer2 metadata and no decoder beside it. */
function ctcFile(folder: Parameters<ModelEntry['matches']>[0]): string | null {
  if (folder.pick('decoder') !== null) return null;
  return folder.single ?? folder.pick('ctc');
}

export const zipformer2CtcEntry: ModelEntry = {
  name: 'zipformer2_ctc',
  matches: (folder) => {
    const file = ctcFile(folder);
    return file !== null && folder.metadata(file).model_type === 'zipformer2';
  },
  load: (folder) => {
    const file = ctcFile(folder)!;
    return Zipformer2CtcModel.load(folder.dir, file, folder.metadata(file), folder.settings);
  },
};
