import type { ChunkResult, DecodedToken } from './chunk-result.ts';
import { lastWordSealed, type VadSilence } from './finalization.ts';
import type { TransducerNets } from './transducer-greedy.ts';

/**
 * Modified beam search (at most one symbol per frame, k best paths, paths with the same
 * token sequence merged by log-add), as icefall / sherpa-onnx do it, per stream.
 *
 * Immutability: only the prefix that every surviving path shares is emitted while decoding —
 * no later frame can change it — so words built from it never need to be retracted.
 * The best path's remaining tokens go out as a tentative tail (shown, never final);
 * `finalizeBeam` emits them when the turn ends or the stream is flushed. With the finalisation
 * policy (finalization.ts) a word of the best path is also committed once its last token is
 * `finalizeAfter` frames old, dropping the paths that disagree with it or would continue it.
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
  /** Per token id: 1 when it starts a word ('▁'); needed by the finalisation policy. */
  startsWord: Uint8Array | null;
  /** The finalisation policy's bound in frames; null = off. */
  finalizeAfter: number | null;
  /** Frames of pause after which the last word is sealed (sealAfterFrames). */
  sealAfter: number;
  /** Token count of a sealed word's end: a path that long may only go on with a new word. */
  sealedAt: number;
  /** The stream's VAD, where the worker runs one: it may seal the last word early (finalization.ts). */
  vad: VadSilence | null;
}

export function createBeamState(
  contextSize: number,
  blankId: number,
  beam = 4,
  policy: { startsWord: Uint8Array; finalizeAfter: number | null; sealAfter: number; vad?: VadSilence | null } | null = null,
): BeamState {
  const ys = [...Array(contextSize - 1).fill(-1), blankId];
  return {
    hyps: [{ ys, frames: [], probs: [], logProb: 0 }],
    emitted: 0,
    frameOffset: 0,
    contextSize,
    beam,
    startsWord: policy?.startsWord ?? null,
    finalizeAfter: policy?.finalizeAfter ?? null,
    sealAfter: policy?.sealAfter ?? Infinity,
    sealedAt: -1,
    vad: policy?.vad ?? null,
  };
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
      // A sealed word is final: its path goes on with blank or a new word only.
      if (s.startsWord && s.hyps[i].ys.length - c === s.sealedAt) {
        for (let k = 0; k < v; k++) if (k !== nets.blankId && k !== nets.unkId && !s.startsWord[k]) scores[i * v + k] = -Infinity;
      }
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
  return settle(s, frames, blankProbs);
}

/**
 * The finalisation policy and the emission of what is settled, after `frames` new frames (0: the
 * stream's VAD heard more silence since the last chunk, which may seal the last word now).
 */
export function settle(s: BeamState, frames = 0, blankProbs = new Float32Array(0)): ChunkResult {
  const c = s.contextSize;
  if (s.finalizeAfter !== null && s.startsWord) commitOldWords(s, s.startsWord, s.finalizeAfter);
  // Emit the prefix all paths agree on.
  const stable = commonPrefix(s.hyps.map((h) => h.ys)) - c;
  const best = bestHyp(s);
  const tokens = take(s, best, stable);
  const wordClosed = s.startsWord !== null && s.emitted > 0 && s.hyps.every((h) => (h.ys.length - c === s.emitted ? s.sealedAt === s.emitted : s.startsWord![h.ys[c + s.emitted]] === 1));
  return { tokens, frames, blankProbs, tentative: peek(s, best, best.ys.length - c), wordClosed };
}

/**
 * The finalisation policy: the newest word of the best path whose last token is `bound` frames
 * old and that is followed by a new word or by nothing is committed; paths that disagree up to
 * it or continue it are dropped; where nothing follows it, it is sealed.
 */
function commitOldWords(s: BeamState, startsWord: Uint8Array, bound: number): void {
  const c = s.contextSize;
  const best = bestHyp(s);
  const n = best.ys.length - c;
  const limit = s.frameOffset - bound;
  let end = -1; // tokens in the committed prefix
  for (let i = n - 1; i >= s.emitted && i >= 0; i--) {
    // The last token: sealed only once the pause proves its word ended (finalization.ts).
    const closed = i === n - 1 ? lastWordSealed(best.frames[i], s.frameOffset, s.sealAfter, s.vad) : best.frames[i] + 1 <= limit && startsWord[best.ys[c + i + 1]] === 1;
    if (closed) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) return;
  s.hyps = s.hyps.filter((h) => {
    for (let i = 0; i < c + end; i++) if (h.ys[i] !== best.ys[i]) return false;
    return h.ys.length === c + end || startsWord[h.ys[c + end]] === 1;
  });
  if (s.hyps.some((h) => h.ys.length === c + end)) s.sealedAt = end;
  // What all paths now share is emitted by the caller, as the common prefix.
}

export function finalizeBeam(s: BeamState): DecodedToken[] {
  const best = bestHyp(s);
  s.sealedAt = best.ys.length - s.contextSize;
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
