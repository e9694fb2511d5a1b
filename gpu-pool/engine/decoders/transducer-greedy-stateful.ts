import type { ChunkResult, DecodedToken } from './chunk-result.ts';
import { createGreedySeal, noteGreedyToken, sealGreedyWord, type GreedySeal } from './finalization.ts';

/**
 * What the greedy search of a transducer with a stateful prediction network (NeMo's LSTM
 * decoder) needs from the model. Unlike the stateless decoders of transducer-greedy.ts, the
 * prediction network carries a state from token to token.
 */
export interface StatefulTransducerNets<P> {
  /** The blank (NeMo: the last id). */
  blankId: number;
  /**
   * <unk> (-1 if none): fed to the predictor and counted toward MAX_SYMBOLS_PER_FRAME like any
   * token, but not emitted (it spells nothing; sherpa-onnx-node 1.13.8 drops it from its tokens too).
   */
  unkId: number;
  vocabSize: number;
  /** The prediction network's state before any token. */
  createPredictorState(): P;
  /** One step per row: token ids in; outputs [N, H] and each row's next state out (the given states stay as they are). */
  runPredictor(tokens: Int32Array, states: P[]): Promise<{ out: Float32Array; next: P[] }>;
  /** encoder frames [N, D] and predictor outputs [N, H] → logits [N, V]. */
  runJoiner(encoderFrames: Float32Array, predictorOut: Float32Array, n: number): Promise<Float32Array>;
}

/** Per-stream memory of the search: the last token's predictor output and state. */
export interface StatefulGreedyState<P> {
  /** Predictor output after the last emitted token (after blank at the start); null until first used. */
  predictorOut: Float32Array | null;
  predictorState: P;
  frameOffset: number;
  seal?: GreedySeal;
}

export function createStatefulGreedyState<P>(nets: StatefulTransducerNets<P>): StatefulGreedyState<P> {
  return { predictorOut: null, predictorState: nets.createPredictorState(), frameOffset: 0 };
}

/** Symbols one encoder frame may emit (NeMo's and sherpa-onnx's max_symbols_per_step). */
export const MAX_SYMBOLS_PER_FRAME = 10;

/**
 * Greedy search over one chunk for many streams at once, as NeMo's greedy RNNT decoding and
 * sherpa-onnx's online NeMo decoder: on each frame the joiner runs with the last token's
 * predictor output; a non-blank token is emitted, fed to the predictor, and the same frame is
 * tried again, up to MAX_SYMBOLS_PER_FRAME times; blank moves to the next frame; <unk> is fed
 * to the predictor and counted, never emitted. Joiner and
 * predictor calls are batched over the streams still emitting on the frame. Token confidence is
 * the joiner's softmax posterior; a frame's blank posterior is that of its first joiner call.
 * `sealAfter` (frames, null = off; finalization.ts): a stream's last word is sealed that long after its last token.
 */
export async function statefulTransducerGreedy<P>(
  nets: StatefulTransducerNets<P>,
  states: StatefulGreedyState<P>[],
  encoderOut: Float32Array,
  frames: number,
  dim: number,
  sealAfter: number | null = null,
): Promise<ChunkResult[]> {
  const n = states.length;
  const v = nets.vocabSize;
  const blank = nets.blankId;
  const results: ChunkResult[] = states.map(() => ({ tokens: [] as DecodedToken[], frames, blankProbs: new Float32Array(frames) }));
  const fresh = states.map((s, b) => (s.predictorOut === null ? b : -1)).filter((b) => b >= 0);
  if (fresh.length > 0) await step(nets, states, fresh, new Int32Array(fresh.length).fill(blank));
  for (let t = 0; t < frames; t++) {
    let active = states.map((_, b) => b);
    for (let k = 0; k < MAX_SYMBOLS_PER_FRAME && active.length > 0; k++) {
      const m = active.length;
      const enc = new Float32Array(m * dim);
      const h = states[active[0]].predictorOut!.length;
      const pred = new Float32Array(m * h);
      active.forEach((b, i) => {
        enc.set(encoderOut.subarray((b * frames + t) * dim, (b * frames + t + 1) * dim), i * dim);
        pred.set(states[b].predictorOut!, i * h);
      });
      const logits = await nets.runJoiner(enc, pred, m);
      const emitting: number[] = [];
      const emitted: number[] = [];
      active.forEach((b, i) => {
        const o = i * v;
        let best = 0;
        let bestVal = logits[o];
        for (let j = 1; j < v; j++) if (logits[o + j] > bestVal) {
          bestVal = logits[o + j];
          best = j;
        }
        let z = 0;
        for (let j = 0; j < v; j++) z += Math.exp(logits[o + j] - bestVal);
        if (k === 0) results[b].blankProbs[t] = Math.exp(logits[o + blank] - bestVal) / z;
        if (best === blank) return;
        if (best !== nets.unkId) {
          const frame = states[b].frameOffset + t;
          results[b].tokens.push({ id: best, frame, prob: 1 / z });
          noteGreedyToken((states[b].seal ??= createGreedySeal()), frame);
        }
        emitting.push(b);
        emitted.push(best);
      });
      if (emitting.length > 0) await step(nets, states, emitting, Int32Array.from(emitted));
      active = emitting;
    }
  }
  states.forEach((s, b) => {
    s.frameOffset += frames;
    results[b].wordClosed = sealGreedyWord((s.seal ??= createGreedySeal()), s.frameOffset, sealAfter);
  });
  return results;
}

/** Feed `tokens` to the predictor of streams `which`: their output and state move on. */
async function step<P>(nets: StatefulTransducerNets<P>, states: StatefulGreedyState<P>[], which: number[], tokens: Int32Array): Promise<void> {
  const { out, next } = await nets.runPredictor(
    tokens,
    which.map((b) => states[b].predictorState),
  );
  const h = out.length / which.length;
  which.forEach((b, i) => {
    states[b].predictorOut = out.slice(i * h, (i + 1) * h);
    states[b].predictorState = next[i];
  });
}
