/**
 * When a decoded word becomes final (immutable, `word_is_final: true`): the policy every search
 * shares (CTC prefix beam, transducer beam, both greedy searches).
 *
 * A word of the best path is committed once its end — the frame of its last token — lies
 * `finalizeAfterMs` or more in the past of the audio decoded so far and the next word has begun.
 * A beam search then drops every path that disagrees with the best one up to that word, or that
 * would still continue it, so the word can never change again. A word nothing follows yet (the
 * last one before a pause) is sealed after a longer pause, `sealAfterFrames` (pieces of one word
 * can be several frames apart; sealing it too early splits it), and, with a lexicon, only when
 * it is a complete word: a later piece can then only start a new word. End of turn and
 * ForceEndpoint commit everything at once (stream/asr-stream.ts). The delay to final is thereby
 * bounded instead of lasting until all paths happen to agree, which with a language model took
 * seconds. `null` turns the policy off: a beam search then commits only the prefix all its paths
 * share (and its best path after a pause of `commit_after_ms`).
 *
 * Defaults chosen by measurement (docs/benchmarks.md, "Streaming latency"): WER of the served
 * configuration with the policy vs without, on ../shared/testdata and the held-out synthetic
 * fixtures, over 60-300 ms bounds and 0-450 ms seals: sealing at once cost 5-20 points; with the
 * seal at 450 ms a 120 ms bound cost under a point on the real recordings.
 */
export const DEFAULT_FINALIZE_AFTER_MS = 120;
/** The pause after which a word nothing follows is sealed (never shorter than the bound). */
export const SEAL_AFTER_MS = 450;

/** Frames of pause before the last word is sealed, for a bound of `bound` frames. */
export function sealAfterFrames(bound: number, frameMs: number): number {
  return Math.max(bound, Math.round(SEAL_AFTER_MS / frameMs));
}

/** The setting in output frames (at least one), or null when the policy is off. */
export function finalizeAfterFrames(ms: number | null | undefined, frameMs: number): number | null {
  if (ms === null) return null;
  return Math.max(1, Math.round((ms ?? DEFAULT_FINALIZE_AFTER_MS) / frameMs));
}

/** A greedy search's seal in frames for the setting `ms`, or null when the policy is off. */
export function greedySealFrames(ms: number | null | undefined, frameMs: number): number | null {
  const bound = finalizeAfterFrames(ms, frameMs);
  return bound === null ? null : sealAfterFrames(bound, frameMs);
}

/** What a greedy search remembers to seal its last word. */
export interface GreedySeal {
  /** Frame of the last emitted token, -1 before the first. */
  lastTokenFrame: number;
  /** The last emitted word is complete: nothing joins it any more. */
  sealed: boolean;
}

export function createGreedySeal(): GreedySeal {
  return { lastTokenFrame: -1, sealed: false };
}

/**
 * Greedy tokens are committed as they are decoded; only the last word stays open, waiting for
 * the next word to prove it ended. Seal it once `sealAfter` frames (sealAfterFrames) passed
 * without a token.
 * `decodedFrames`: frames decoded so far. Returns whether the last word is sealed.
 */
export function sealGreedyWord(seal: GreedySeal, decodedFrames: number, sealAfter: number | null): boolean {
  if (sealAfter === null || seal.lastTokenFrame < 0) return false;
  if (!seal.sealed && decodedFrames - (seal.lastTokenFrame + 1) >= sealAfter) seal.sealed = true;
  return seal.sealed;
}

/** A greedy search emitted a token: its word is open again (a new one, or the sealed one's successor). */
export function noteGreedyToken(seal: GreedySeal, frame: number): void {
  seal.lastTokenFrame = frame;
  seal.sealed = false;
}
