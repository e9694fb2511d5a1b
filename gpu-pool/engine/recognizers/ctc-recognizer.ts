import { ctcGreedyStep, type CtcGreedyState } from '../decoders/ctc-greedy.ts';
import { createPrefixBeamState, ctcPrefixBeamStep, finalizePrefixBeam, keytermWords, type PrefixBeamContext, type PrefixBeamState } from '../decoders/ctc-prefix-beam.ts';
import { createGreedySeal, greedySealFrames, resealGreedy, type VadSilence } from '../decoders/finalization.ts';
import { loadBeamContext, readTokenDelayMs } from '../models/beam-settings.ts';
import type { ChunkResult, DecodedToken } from '../decoders/chunk-result.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { CtcModel, DecodingMethod, ModelDescription } from '../models/model.ts';
import type { SessionSettings } from '../models/session.ts';
import type { Recognizer, RecognizerCapabilities } from './recognizer.ts';

interface CtcStream {
  model: unknown;
  ctc: CtcGreedyState;
  /** Set for modified_beam_search: prefix beam search (with the folder's LM, if any). */
  beam: PrefixBeamState | null;
  /** Frames of the chunk being filled that decodeAhead already gave the search. */
  framesAhead: number;
}

/**
 * Any streaming CTC network (T-one, zipformer2-CTC, NeMo FastConformer CTC) with greedy search
 * (sherpa-onnx's OnlineCtcGreedySearchDecoder) or prefix beam search with the model folder's
 * decoding.json: LM, lexicon and keyterm bonus.
 */
export class CtcRecognizer implements Recognizer<CtcStream> {
  readonly description: ModelDescription;
  readonly capabilities: RecognizerCapabilities = { decodings: ['greedy_search', 'modified_beam_search'], keytermDecodings: ['modified_beam_search'] };
  /** Greedy search: frames after its last token at which a word is sealed (null = never). */
  private readonly greedySealAfter: number | null;
  private beamContextLoaded: PrefixBeamContext | null;

  constructor(
    readonly model: CtcModel,
    private readonly settings: Pick<SessionSettings, 'preloadSearch' | 'finalizeAfterMs'>,
  ) {
    this.description = { ...model.description, tokenDelayMs: readTokenDelayMs(model.dir) };
    this.greedySealAfter = greedySealFrames(settings.finalizeAfterMs, model.description.frameMs);
    this.beamContextLoaded = settings.preloadSearch === false ? null : this.loadBeamContext();
  }

  get tokens() {
    return this.model.tokens;
  }

  /** The beam search's settings, LM and lexicon (decoding.json), loaded on first use if not before. */
  private get beamContext(): PrefixBeamContext {
    this.beamContextLoaded ??= this.loadBeamContext();
    return this.beamContextLoaded;
  }

  private loadBeamContext(): PrefixBeamContext {
    return loadBeamContext(this.model.dir, this.model.tokens, this.model.description.frameMs, this.settings.finalizeAfterMs);
  }

  createFrontEnd(): FrontEnd {
    return this.model.createFrontEnd();
  }

  createState(decoding: DecodingMethod, keyterms: readonly string[] = [], vad: VadSilence | null = null): CtcStream {
    const beam = decoding === 'modified_beam_search' ? createPrefixBeamState(this.beamContext, keyterms, vad) : null;
    return { model: this.model.createState(), ctc: { prev: -1, frameOffset: 0, seal: createGreedySeal(vad) }, beam, framesAhead: 0 };
  }

  reseal(state: CtcStream): ChunkResult {
    if (state.beam) return ctcPrefixBeamStep(this.beamContext, state.beam, new Float32Array(0), 0, this.model.tokens.symbols.length);
    return resealGreedy(state.ctc, this.greedySealAfter);
  }

  setKeyterms(state: CtcStream, keyterms: readonly string[]): void {
    if (state.beam) state.beam.keytermWords = keytermWords(keyterms);
  }

  finalize(state: CtcStream): DecodedToken[] {
    return state.beam ? finalizePrefixBeam(this.beamContext, state.beam) : [];
  }

  async runBatch(states: CtcStream[], chunks: Float32Array[]): Promise<ChunkResult[]> {
    const { logProbs, frames: t, vocab: v } = await this.model.forward(
      states.map((s) => s.model),
      chunks,
    );
    return states.map((s, b) => {
      const ahead = Math.min(s.framesAhead, t);
      s.framesAhead = 0;
      return this.search(s, logProbs.subarray((b * t + ahead) * v, (b + 1) * t * v), t - ahead, v);
    });
  }

  async decodeAhead(states: CtcStream[], chunks: Float32Array[], audioSamples: number[]): Promise<ChunkResult[]> {
    const clone = this.model.cloneState?.bind(this.model);
    if (!clone) return states.map(() => ({ tokens: [], frames: 0, blankProbs: new Float32Array(0) }));
    const { logProbs, frames: t, vocab: v } = await this.model.forward(
      states.map((s) => clone(s.model)),
      chunks,
    );
    return states.map((s, b) => {
      // Every frame of audio heard. Those within the token lag of the padding would need the audio
      // still to come, but the worker decodes ahead only after the VAD heard sealMs of silence
      // (at least the lag): what the padding can change there is silence.
      const upTo = Math.min(t, Math.max(s.framesAhead, Math.floor((audioSamples[b] * t) / chunks[b].length)));
      const from = s.framesAhead;
      s.framesAhead = upTo;
      return this.search(s, logProbs.subarray((b * t + from) * v, (b * t + upTo) * v), upTo - from, v);
    });
  }

  /** `t` frames of one stream's log-probs [t, v] through its search. */
  private search(s: CtcStream, rows: Float32Array, t: number, v: number): ChunkResult {
    return s.beam ? ctcPrefixBeamStep(this.beamContext, s.beam, rows, t, v) : ctcGreedyStep(s.ctc, rows, t, v, this.model.tokens.blankId, this.greedySealAfter);
  }

  release(): Promise<void> {
    return this.model.release();
  }
}
