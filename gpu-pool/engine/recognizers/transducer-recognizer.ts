import { initialContext, transducerGreedy, type GreedyState } from '../decoders/transducer-greedy.ts';
import { createBeamState, finalizeBeam, settle, transducerModifiedBeam, type BeamState } from '../decoders/transducer-modified-beam.ts';
import { createGreedySeal, finalizeAfterFrames, greedySealFrames, resealGreedy, type VadSilence } from '../decoders/finalization.ts';
import { readTokenDelayMs } from '../models/beam-settings.ts';
import type { ChunkResult, DecodedToken } from '../decoders/chunk-result.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { DecodingMethod, ModelDescription, TransducerModel } from '../models/model.ts';
import type { SessionSettings } from '../models/session.ts';
import type { Recognizer, RecognizerCapabilities } from './recognizer.ts';

interface TransducerStream {
  model: unknown;
  method: DecodingMethod;
  greedy: GreedyState;
  beam: BeamState | null;
}

/** Active paths of the modified beam search (sherpa-onnx's max_active_paths default). */
const BEAM = 4;

/**
 * A stateless-decoder transducer (zipformer, zipformer2) with greedy search (batched over the
 * streams) or modified beam search (per stream, 4 paths). Neither search biases toward
 * keyterms: capabilities say so, and a stream that asks for them gets a Warning.
 */
export class TransducerRecognizer implements Recognizer<TransducerStream> {
  readonly description: ModelDescription;
  readonly capabilities: RecognizerCapabilities = { decodings: ['greedy_search', 'modified_beam_search'], keytermDecodings: [] };
  private readonly greedySealAfter: number | null;
  /** Per token: 1 when it starts a word (the finalisation policy's word boundaries). */
  private readonly startsWord: Uint8Array;
  /** The finalisation policy's bound in output frames (decoders/finalization.ts); null = off. */
  private readonly finalizeAfter: number | null;

  constructor(
    readonly model: TransducerModel,
    settings: Pick<SessionSettings, 'finalizeAfterMs'>,
  ) {
    const d = model.description;
    this.description = { ...d, tokenDelayMs: readTokenDelayMs(model.dir) };
    const tokens = model.tokens;
    this.startsWord = Uint8Array.from(tokens.symbols, (s, id) => (s.startsWith('\u2581') || tokens.separatorIds.has(id) ? 1 : 0));
    this.finalizeAfter = finalizeAfterFrames(settings.finalizeAfterMs, d.frameMs);
    this.greedySealAfter = greedySealFrames(settings.finalizeAfterMs, d.frameMs);
  }

  get tokens() {
    return this.model.tokens;
  }

  createFrontEnd(): FrontEnd {
    return this.model.createFrontEnd();
  }

  createState(method: DecodingMethod, _keyterms: readonly string[] = [], vad: VadSilence | null = null): TransducerStream {
    const m = this.model;
    return {
      model: m.createState(),
      method,
      greedy: { context: initialContext(m.contextSize, m.blankId), decoderOut: null, frameOffset: 0, seal: createGreedySeal(vad) },
      beam: method === 'modified_beam_search' ? createBeamState(m.contextSize, m.blankId, BEAM, { startsWord: this.startsWord, finalizeAfter: this.finalizeAfter, sealAfter: this.greedySealAfter ?? Infinity, vad }) : null,
    };
  }

  reseal(state: TransducerStream): ChunkResult {
    if (state.beam) return settle(state.beam);
    return resealGreedy(state.greedy, this.greedySealAfter);
  }

  setKeyterms(): void {
    // No transducer search here biases toward keyterms (capabilities.keytermDecodings is empty).
  }

  async runBatch(states: TransducerStream[], chunks: Float32Array[]): Promise<ChunkResult[]> {
    const n = states.length;
    const { encoderOut, frames, dim } = await this.model.runEncoder(
      states.map((s) => s.model),
      chunks,
    );
    // Greedy and beam streams of the same batch are searched separately.
    const results: ChunkResult[] = new Array(n);
    const greedyIdx = states.map((s, i) => (s.method === 'greedy_search' ? i : -1)).filter((i) => i >= 0);
    const beamIdx = states.map((s, i) => (s.method !== 'greedy_search' ? i : -1)).filter((i) => i >= 0);
    const slice = (idx: number[]) => {
      if (idx.length === n) return encoderOut;
      const o = new Float32Array(idx.length * frames * dim);
      idx.forEach((b, k) => o.set(encoderOut.subarray(b * frames * dim, (b + 1) * frames * dim), k * frames * dim));
      return o;
    };
    if (greedyIdx.length > 0) {
      const r = await transducerGreedy(this.model, greedyIdx.map((i) => states[i].greedy), slice(greedyIdx), frames, dim, this.greedySealAfter);
      greedyIdx.forEach((i, k) => (results[i] = r[k]));
    }
    for (const i of beamIdx) {
      results[i] = await transducerModifiedBeam(this.model, states[i].beam!, encoderOut.subarray(i * frames * dim, (i + 1) * frames * dim), frames, dim);
    }
    return results;
  }

  finalize(state: TransducerStream): DecodedToken[] {
    return state.beam ? finalizeBeam(state.beam) : [];
  }

  release(): Promise<void> {
    return this.model.release();
  }
}
