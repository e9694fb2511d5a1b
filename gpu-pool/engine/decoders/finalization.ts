import type { ChunkResult } from './chunk-result.ts';

/**
 * When a decoded word becomes final (immutable, `word_is_final: true`): the policy every search
 * shares (CTC prefix beam, transducer beam, both greedy searches).
 *
 * A word of the best path is committed once its end — the frame of its last token — lies
 * `finalizeAfterMs` or more in the past of the audio decoded so far and the next word has begun.
 * A beam search then drops every path that disagrees with the best one up to that word, or that
 * would still continue it, so the word can never change again. A word nothing follows yet (the
 * last one before a pause) is sealed once the stream's VAD has heard DEFAULT_VAD_SEAL_MS of
 * silence after it (VadSilence), else after a longer pause of decoded frames, `sealAfterFrames`
 * (pieces of one word can be several frames apart; sealing it too early splits it), and, with a
 * lexicon, only when it is a complete word: a later piece can then only start a new word
 * (lastWordSealed: the one rule every search applies). The VAD's silence vouches only once the
 * audio up to it plus the model's token lag is decoded; a model that decodes whole chunks
 * (300 ms for T-one) would hold the word up to a chunk longer, so the worker decodes the frames
 * of a chunk not yet whole early, on a copy of the model state (Recognizer.decodeAhead). End of turn and
 * ForceEndpoint commit everything at once (stream/asr-stream.ts). The delay to final is thereby
 * bounded instead of lasting until all paths happen to agree, which with a language model took
 * seconds. `null` turns the policy off: a beam search then commits only the prefix all its paths
 * share (and its best path after a pause of `commit_after_ms`).
 *
 * Defaults chosen by measurement (docs/benchmarks.md, "Streaming latency"): WER of the served
 * configuration with the policy vs without, on ../shared/testdata and the held-out synthetic
 * fixtures, over 60-300 ms bounds and 0-450 ms seals: sealing at once cost 5-20 points; with the
 * seal at 450 ms a 120 ms bound cost under a point on the real recordings. Once the resampler no
 * longer held each chunk back for a client frame (2026-12-07 15:00), 120 → 60 ms brought time to
 * final of a word from 402 to 323 ms p50 at 8 sessions for one word in 10,033 on realspeech dev
 * (90 ms: 337 ms, the same word; under 60 ms the next word's start, not the bound, decides).
 */
export const DEFAULT_FINALIZE_AFTER_MS = 60;
/** The pause after which a word nothing follows is sealed (never shorter than the bound). */
export const SEAL_AFTER_MS = 450;

/**
 * The VAD seal (default): the last word before a pause is sealed once the stream's VAD has seen
 * this much continuous silence (windows below the stream's vadThreshold) right after it, instead
 * of waiting SEAL_AFTER_MS of decoded frames. A stop closure inside a word is far shorter, so
 * waiting for this much VAD silence does not split words the way an early decoded-frames seal
 * did. Chosen by measurement (docs/benchmarks.md, "Streaming latency", 2026-12-07 12:20): with
 * the worker decoding ahead, 150 ms instead of 200 brought end of speech → last word final from
 * 309 to 230 ms p50 at a cost of 5 words in 10,033 on realspeech dev (120 ms: 223 ms, 7 words).
 */
export const DEFAULT_VAD_SEAL_MS = 150;
/**
 * How much later than the last token's audio (its frame end minus the model's token lag) the
 * VAD may place the start of the silence: Silero turns below its threshold a window or two after
 * speech ends, a token's lag varies around the model's mean, and a breath or a trailing sound
 * may carry no token. Every token of the audio before the silence is decoded before it vouches,
 * so a wider slack cannot seal a word a later piece still joins. Measured (docs/benchmarks.md,
 * 2026-12-07 12:40): 100 → 250 ms brought end of speech → last word final p95 from 629 to 366 ms
 * and time to final of a word p50 from 508 to 430-458 ms, +5 words in 10,033 on realspeech dev.
 */
export const VAD_SEAL_ONSET_SLACK_MS = 250;

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
  /** The stream's VAD, where the worker runs one (VadSilence). */
  vad?: VadSilence | null;
}

export function createGreedySeal(vad: VadSilence | null = null): GreedySeal {
  return { lastTokenFrame: -1, sealed: false, vad };
}

/**
 * Greedy tokens are committed as they are decoded; only the last word stays open, waiting for
 * the next word to prove it ended. Seal it by lastWordSealed: `sealAfter` frames
 * (sealAfterFrames) without a token, or sooner on the VAD's word (`seal.vad`).
 * `decodedFrames`: frames decoded so far. Returns whether the last word is sealed.
 */
export function sealGreedyWord(seal: GreedySeal, decodedFrames: number, sealAfter: number | null): boolean {
  if (sealAfter === null || seal.lastTokenFrame < 0) return false;
  if (!seal.sealed && lastWordSealed(seal.lastTokenFrame, decodedFrames, sealAfter, seal.vad)) seal.sealed = true;
  return seal.sealed;
}

/**
 * The one seal rule of every search: may the word whose last token is at `tokenFrame`, with no
 * token after it on the path, be closed now that `decodedFrames` are decoded? After `sealAfter`
 * frames without a token (the fallback, and the only rule without a VAD), or as soon as the
 * stream's VAD vouches for the pause (VadSilence.vouchesFor).
 */
export function lastWordSealed(tokenFrame: number, decodedFrames: number, sealAfter: number, vad: VadSilence | null | undefined): boolean {
  if (decodedFrames - (tokenFrame + 1) >= sealAfter) return true;
  return vad != null && vad.vouchesFor(tokenFrame, decodedFrames);
}

/**
 * Where one stream's VAD heard silence, kept by the inference worker beside the stream's search
 * (scheduler/stream-pipeline.ts) so a search can seal its last word without a round trip to the
 * main thread, which applies the same threshold to end turns (endpointing/turn-detector.ts).
 * Runs are kept, not only the current one: the VAD may be seconds ahead of the decoded audio (a
 * client faster than real time), and the pause that matters is the one after the word.
 */
export class VadSilence {
  /** Closed runs of silence [start, end) in ms of stream audio, oldest first. */
  private runs: { start: number; end: number }[] = [];
  /** Start of the run still open at `processedMs`, or -1 while the VAD hears speech. */
  private openStart = -1;
  private processed = 0;

  constructor(
    private readonly windowMs: number,
    /** Speech probability at and above which a window is speech: the stream's vadThreshold. */
    public threshold: number,
    /** Continuous silence needed (DEFAULT_VAD_SEAL_MS). */
    readonly sealMs: number,
    /** The model's token lag (ModelDescription.tokenDelayMs). */
    private readonly tokenDelayMs: number,
    /** The model's output frame (the searches count frames). */
    private readonly frameMs: number,
  ) {}

  get processedMs(): number {
    return this.processed;
  }

  /** The length of the silence still running at the VAD's position (0 in speech). */
  get openRunMs(): number {
    return this.openStart < 0 ? 0 : this.processed - this.openStart;
  }

  onWindow(prob: number): void {
    const start = this.processed;
    this.processed += this.windowMs;
    if (prob < this.threshold) {
      if (this.openStart < 0) this.openStart = start;
    } else if (this.openStart >= 0) {
      this.runs.push({ start: this.openStart, end: start });
      this.openStart = -1;
    }
  }

  /** Runs that ended before `ms` can no longer vouch for a word the search still holds. */
  forgetBefore(ms: number): void {
    let i = 0;
    while (i < this.runs.length && this.runs[i].end < ms) i++;
    if (i > 0) this.runs.splice(0, i);
  }

  /**
   * A word whose last token is at output frame `tokenFrame` may be sealed with `decodedFrames`
   * decoded when one run of silence began no later than the token's audio (allowing
   * VAD_SEAL_ONSET_SLACK_MS), lasted `sealMs` past both, and every token of the speech before it
   * has been decoded (the decoded audio reaches the silence's start plus the token lag), so no
   * piece of the word can still arrive.
   */
  vouchesFor(tokenFrame: number, decodedFrames: number): boolean {
    const decodedMs = decodedFrames * this.frameMs;
    const audioEnd = (tokenFrame + 1) * this.frameMs - this.tokenDelayMs;
    const check = (start: number, end: number): boolean => {
      if (start > audioEnd + VAD_SEAL_ONSET_SLACK_MS) return false;
      const from = Math.max(start, audioEnd);
      return end - from >= this.sealMs && decodedMs >= from + this.tokenDelayMs;
    };
    if (this.openStart >= 0 && check(this.openStart, this.processed)) return true;
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const r = this.runs[i];
      if (r.end <= audioEnd) break;
      if (check(r.start, r.end)) return true;
    }
    return false;
  }
}

/**
 * A greedy search's result when only the VAD moved on (the worker's reseal): no new tokens; the
 * last word is closed if lastWordSealed now vouches for it. One shape for every greedy search.
 */
export function resealGreedy(state: { seal?: GreedySeal; frameOffset: number }, sealAfter: number | null): ChunkResult {
  return { tokens: [], frames: 0, blankProbs: new Float32Array(0), wordClosed: sealGreedyWord((state.seal ??= createGreedySeal()), state.frameOffset, sealAfter) };
}

/** A greedy search emitted a token: its word is open again (a new one, or the sealed one's successor). */
export function noteGreedyToken(seal: GreedySeal, frame: number): void {
  seal.lastTokenFrame = frame;
  seal.sealed = false;
}
