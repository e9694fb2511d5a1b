import type { ChunkResult, DecodedToken } from './chunk-result.ts';
import { createGreedySeal, noteGreedyToken, sealGreedyWord, type GreedySeal } from './finalization.ts';

/** What the transducer searches need from the model: batched decoder and joiner runs. */
export interface TransducerNets {
  contextSize: number;
  blankId: number;
  /** <unk>: never emitted and never fed back to the decoder (sherpa-onnx treats it as blank). */
  unkId: number;
  vocabSize: number;
  decoderDim: number;
  /** contexts: [N, contextSize] token ids → decoder_out [N, decoderDim]. */
  runDecoder(contexts: BigInt64Array, n: number): Promise<Float32Array>;
  /** encoder frames [N, D] and decoder outs [N, D] → logits [N, V]. */
  runJoiner(encoderFrames: Float32Array, decoderOut: Float32Array, n: number): Promise<Float32Array>;
}

/** Per-stream greedy state: the decoder context and its cached output. */
export interface GreedyState {
  context: bigint[];
  decoderOut: Float32Array | null;
  frameOffset: number;
  /** When its last word becomes final (finalization.ts); created on first use. */
  seal?: GreedySeal;
}

export function initialContext(contextSize: number, blankId: number): bigint[] {
  // As sherpa-onnx: padding ids (-1, embedded as zeros by icefall decoders) then blank.
  return [...Array(contextSize - 1).fill(-1n), BigInt(blankId)];
}

/**
 * Batched greedy search over one chunk (at most one symbol per frame, as sherpa-onnx and
 * icefall's streaming greedy search): joiner on every frame for the whole batch; the decoder
 * re-runs only when some stream emitted. Token confidence is the joiner's softmax posterior.
 * `sealAfter` (frames, null = off; finalization.ts): a stream's last word is sealed that long after its last token.
 */
export async function transducerGreedy(nets: TransducerNets, states: GreedyState[], encoderOut: Float32Array, frames: number, dim: number, sealAfter: number | null = null): Promise<ChunkResult[]> {
  const n = states.length;
  const c = nets.contextSize;
  const v = nets.vocabSize;
  const dd = nets.decoderDim;
  const results: ChunkResult[] = states.map(() => ({ tokens: [] as DecodedToken[], frames, blankProbs: new Float32Array(frames) }));
  const decoderOut = new Float32Array(n * dd);
  const missing = states.some((s) => s.decoderOut === null);
  if (missing) {
    const out = await nets.runDecoder(buildContexts(states, c), n);
    states.forEach((s, b) => {
      if (!s.decoderOut) s.decoderOut = out.slice(b * dd, (b + 1) * dd);
    });
  }
  states.forEach((s, b) => decoderOut.set(s.decoderOut!, b * dd));
  const encFrame = new Float32Array(n * dim);
  for (let t = 0; t < frames; t++) {
    for (let b = 0; b < n; b++) encFrame.set(encoderOut.subarray((b * frames + t) * dim, (b * frames + t + 1) * dim), b * dim);
    const logits = await nets.runJoiner(encFrame, decoderOut, n);
    let emitted = false;
    for (let b = 0; b < n; b++) {
      const o = b * v;
      let best = 0;
      let bestVal = logits[o];
      for (let k = 1; k < v; k++) if (logits[o + k] > bestVal) {
        bestVal = logits[o + k];
        best = k;
      }
      let z = 0;
      for (let k = 0; k < v; k++) z += Math.exp(logits[o + k] - bestVal);
      results[b].blankProbs[t] = Math.exp(logits[o + nets.blankId] - bestVal) / z;
      if (best !== nets.blankId && best !== nets.unkId) {
        emitted = true;
        results[b].tokens.push({ id: best, frame: states[b].frameOffset + t, prob: 1 / z });
        noteGreedyToken((states[b].seal ??= createGreedySeal()), states[b].frameOffset + t);
        states[b].context.push(BigInt(best));
        states[b].context.shift();
      }
    }
    if (emitted) {
      const out = await nets.runDecoder(buildContexts(states, c), n);
      decoderOut.set(out);
    }
  }
  states.forEach((s, b) => {
    s.decoderOut = decoderOut.slice(b * dd, (b + 1) * dd);
    s.frameOffset += frames;
    results[b].wordClosed = sealGreedyWord((s.seal ??= createGreedySeal()), s.frameOffset, sealAfter);
  });
  return results;
}

function buildContexts(states: GreedyState[], c: number): BigInt64Array {
  const ctx = new BigInt64Array(states.length * c);
  states.forEach((s, b) => {
    for (let i = 0; i < c; i++) ctx[b * c + i] = s.context[i];
  });
  return ctx;
}
