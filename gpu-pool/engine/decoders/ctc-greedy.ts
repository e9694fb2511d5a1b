import type { ChunkResult, DecodedToken } from './chunk-result.ts';
import { createGreedySeal, noteGreedyToken, sealGreedyWord, type GreedySeal } from './finalization.ts';

/** Per-stream memory of the streaming CTC greedy search. */
export interface CtcGreedyState {
  /** Arg-max of the previous frame (-1 at the start): repeats collapse across chunks too. */
  prev: number;
  frameOffset: number;
  /** When its last word becomes final (finalization.ts); created on first use. */
  seal?: GreedySeal;
}

/**
 * Best path decoding over one chunk of log-probs [T, V]: emit the arg-max when it is neither
 * blank nor a repeat of the previous frame's arg-max (ties go to the lowest id, as
 * std::max_element does in sherpa-onnx). Its posterior is the token's confidence.
 * `sealAfter` (frames, null = off; finalization.ts): the last word is sealed that long after its last token.
 */
export function ctcGreedyStep(state: CtcGreedyState, logProbs: Float32Array, t: number, v: number, blankId: number, sealAfter: number | null = null): ChunkResult {
  const seal = (state.seal ??= createGreedySeal());
  const tokens: DecodedToken[] = [];
  const blankProbs = new Float32Array(t);
  for (let f = 0; f < t; f++) {
    const o = f * v;
    let best = 0;
    let bestVal = logProbs[o];
    for (let k = 1; k < v; k++) {
      const val = logProbs[o + k];
      if (val > bestVal) {
        bestVal = val;
        best = k;
      }
    }
    blankProbs[f] = Math.exp(logProbs[o + blankId]);
    if (best !== blankId && best !== state.prev) {
      tokens.push({ id: best, frame: state.frameOffset + f, prob: Math.exp(bestVal) });
      noteGreedyToken(seal, state.frameOffset + f);
    }
    state.prev = best;
  }
  state.frameOffset += t;
  return { tokens, frames: t, blankProbs, wordClosed: sealGreedyWord(seal, state.frameOffset, sealAfter) };
}
