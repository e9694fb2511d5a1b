import { createStatefulGreedyState, statefulTransducerGreedy, type StatefulGreedyState } from '../decoders/transducer-greedy-stateful.ts';
import { createGreedySeal, greedySealFrames, resealGreedy, type VadSilence } from '../decoders/finalization.ts';
import { readTokenDelayMs } from '../models/beam-settings.ts';
import type { ChunkResult, DecodedToken } from '../decoders/chunk-result.ts';
import type { FrontEnd } from '../features/front-end.ts';
import type { DecodingMethod, ModelDescription, StatefulTransducerModel } from '../models/model.ts';
import type { SessionSettings } from '../models/session.ts';
import type { Recognizer, RecognizerCapabilities } from './recognizer.ts';

interface StatefulTransducerStream {
  model: unknown;
  greedy: StatefulGreedyState<unknown>;
}

/**
 * A transducer with a stateful prediction network (NeMo FastConformer RNNT): greedy search,
 * batched over the streams (decoders/transducer-greedy-stateful.ts), as sherpa-onnx offers for
 * these models. No beam search and no keyterms: capabilities say so, and a stream that asks for
 * either gets a warning (the engine decodes it greedily).
 */
export class StatefulTransducerRecognizer implements Recognizer<StatefulTransducerStream> {
  readonly description: ModelDescription;
  readonly capabilities: RecognizerCapabilities = { decodings: ['greedy_search'], keytermDecodings: [] };
  private readonly greedySealAfter: number | null;

  constructor(
    readonly model: StatefulTransducerModel,
    settings: Pick<SessionSettings, 'finalizeAfterMs'>,
  ) {
    this.description = { ...model.description, tokenDelayMs: readTokenDelayMs(model.dir) };
    this.greedySealAfter = greedySealFrames(settings.finalizeAfterMs, model.description.frameMs);
  }

  get tokens() {
    return this.model.tokens;
  }

  createFrontEnd(): FrontEnd {
    return this.model.createFrontEnd();
  }

  createState(_decoding?: DecodingMethod, _keyterms?: readonly string[], vad: VadSilence | null = null): StatefulTransducerStream {
    return { model: this.model.createState(), greedy: { ...createStatefulGreedyState(this.model), seal: createGreedySeal(vad) } };
  }

  /** The VAD heard more silence: the last word may be sealed without a new chunk (finalization.ts). */
  reseal(state: StatefulTransducerStream): ChunkResult {
    return resealGreedy(state.greedy, this.greedySealAfter);
  }

  setKeyterms(): void {
    // Greedy search does not bias (capabilities.keytermDecodings is empty).
  }

  async runBatch(states: StatefulTransducerStream[], chunks: Float32Array[]): Promise<ChunkResult[]> {
    const { encoderOut, frames, dim } = await this.model.runEncoder(
      states.map((s) => s.model),
      chunks,
    );
    return statefulTransducerGreedy(this.model, states.map((s) => s.greedy), encoderOut, frames, dim, this.greedySealAfter);
  }

  finalize(): DecodedToken[] {
    return []; // greedy search holds nothing back
  }

  release(): Promise<void> {
    return this.model.release();
  }
}
