import type { ChunkResult, DecodedToken } from '../models/model.ts';
import type { TransducerNets } from './transducer-greedy.ts';

/**
 * Modified beam search (at most one symbol per frame, k best paths, paths with the same
 * token sequence merged by log-add), as icefall / sherpa-onnx do it, per stream.
 *
 * Immutability: only the prefix that every surviving path shares is emitted while decoding —
 * no later frame can change it — so words built from it never need to be retracted.
 * The best path's remaining tokens go out as a tentative tail (shown, never final);
 * `finalizeBeam` emits them when the turn ends or the stream is flushed.
 */
interface Hyp {
  ys: number[]; // context padding + tokens
  frames: number[]; // frame of each token (aligned with ys after the padding)
  probs: number[];
  logProb: number;
}

export interface BeamState {
  hyps: Hyp[];
  emitted: number; // tokens already handed out
  frameOffset: number;
  contextSize: number;
  beam: number;
}

export function createBeamState(contextSize: number, blankId: number, beam = 4): BeamState {
  const ys = [...Array(contextSize - 1).fill(-1), blankId];
  return { hyps: [{ ys, frames: [], probs: [], logProb: 0 }], emitted: 0, frameOffset: 0, contextSize, beam };
}

function logAdd(a: number, b: number): number {
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

export async function transducerModifiedBeam(nets: TransducerNets, s: BeamState, encoderOut: Float32Array, frames: number, dim: number): Promise<ChunkResult> {
  const v = nets.vocabSize;
  const c = s.contextSize;
  const blankProbs = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    const n = s.hyps.length;
    const ctx = new BigInt64Array(n * c);
    s.hyps.forEach((h, i) => {
      for (let k = 0; k < c; k++) ctx[i * c + k] = BigInt(h.ys[h.ys.length - c + k]);
    });
    const dec = await nets.runDecoder(ctx, n);
    const enc = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) enc.set(encoderOut.subarray(t * dim, (t + 1) * dim), i * dim);
    const logits = await nets.runJoiner(enc, dec, n);
    // log-softmax per path, then score = path log-prob + token log-prob.
    const scores = new Float64Array(n * v);
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let k = 0; k < v; k++) m = Math.max(m, logits[i * v + k]);
      let z = 0;
      for (let k = 0; k < v; k++) z += Math.exp(logits[i * v + k] - m);
      const lz = m + Math.log(z);
      for (let k = 0; k < v; k++) scores[i * v + k] = s.hyps[i].logProb + logits[i * v + k] - lz;
    }
    // Blank posterior of the currently best path: the end-of-turn heuristic's silence evidence.
    let top = 0;
    for (let i = 1; i < n; i++) if (s.hyps[i].logProb > s.hyps[top].logProb) top = i;
    blankProbs[t] = Math.exp(scores[top * v + nets.blankId] - s.hyps[top].logProb);
    const order = topK(scores, s.beam);
    const merged = new Map<string, Hyp>();
    for (const idx of order) {
      const i = Math.floor(idx / v);
      const tok = idx % v;
      const prev = s.hyps[i];
      const tokLogP = scores[idx] - prev.logProb;
      const h: Hyp =
        tok === nets.blankId || tok === nets.unkId
          ? { ys: prev.ys, frames: prev.frames, probs: prev.probs, logProb: scores[idx] }
          : { ys: [...prev.ys, tok], frames: [...prev.frames, s.frameOffset + t], probs: [...prev.probs, Math.exp(tokLogP)], logProb: scores[idx] };
      const key = h.ys.join(',');
      const existing = merged.get(key);
      if (existing) existing.logProb = logAdd(existing.logProb, h.logProb);
      else merged.set(key, h);
    }
    s.hyps = [...merged.values()];
  }
  s.frameOffset += frames;
  // Emit the prefix all paths agree on.
  const stable = commonPrefix(s.hyps.map((h) => h.ys)) - c;
  const best = bestHyp(s);
  const tokens = take(s, best, stable);
  return { tokens, frames, blankProbs, tentative: peek(s, best, best.ys.length - c) };
}

export function finalizeBeam(s: BeamState): DecodedToken[] {
  const best = bestHyp(s);
  // The emitted tokens are the best path's: the other paths would disagree with them.
  s.hyps = [best];
  return take(s, best, best.ys.length - s.contextSize);
}

function take(s: BeamState, h: Hyp, upTo: number): DecodedToken[] {
  const out = peek(s, h, upTo);
  s.emitted = Math.max(s.emitted, upTo);
  return out;
}

/** The path's tokens after the emitted ones, without emitting them (shown as tentative words). */
function peek(s: BeamState, h: Hyp, upTo: number): DecodedToken[] {
  const out: DecodedToken[] = [];
  for (let i = s.emitted; i < upTo; i++) out.push({ id: h.ys[s.contextSize + i], frame: h.frames[i], prob: h.probs[i] });
  return out;
}

function bestHyp(s: BeamState): Hyp {
  // Length-normalised, as sherpa-onnx's GetMostProbable(true).
  return s.hyps.reduce((a, b) => (b.logProb / b.ys.length > a.logProb / a.ys.length ? b : a));
}

function commonPrefix(seqs: number[][]): number {
  let n = Math.min(...seqs.map((s) => s.length));
  for (let i = 0; i < n; i++) {
    const x = seqs[0][i];
    if (seqs.some((s) => s[i] !== x)) return i;
  }
  return n;
}

function topK(scores: Float64Array, k: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (idx.length < k) {
      idx.push(i);
      idx.sort((a, b) => scores[b] - scores[a]);
    } else if (scores[i] > scores[idx[k - 1]]) {
      idx[k - 1] = i;
      idx.sort((a, b) => scores[b] - scores[a]);
    }
  }
  return idx;
}
