import { describe, expect, it } from 'vitest';
import { ctcGreedyStep } from './ctc-greedy.ts';
import { createPrefixBeamContext, createPrefixBeamState, ctcPrefixBeamStep, type PrefixBeamSettings } from './ctc-prefix-beam.ts';
import { createGreedySeal, lastWordSealed, SEAL_AFTER_MS, VadSilence } from './finalization.ts';

const FRAME_MS = 30;
const WINDOW_MS = 32;
const DELAY_MS = 100;

/** A VAD that heard `speechMs` of speech, then the given runs: [silent?, ms] pairs. */
function vadAfter(speechMs: number, ...runs: [boolean, number][]): VadSilence {
  const vad = new VadSilence(WINDOW_MS, 0.5, 200, DELAY_MS, FRAME_MS);
  const windows = (ms: number, p: number) => {
    for (let i = 0; i < Math.round(ms / WINDOW_MS); i++) vad.onWindow(p);
  };
  windows(speechMs, 0.9);
  for (const [silent, ms] of runs) windows(ms, silent ? 0.1 : 0.9);
  return vad;
}

/** Output frame of a token whose audio ends at `audioMs` (it comes DELAY_MS later). */
const tokenFrameFor = (audioMs: number) => Math.round((audioMs + DELAY_MS) / FRAME_MS) - 1;

describe('the VAD seal (VadSilence)', () => {
  const speech = 32 * 40; // 1280 ms
  const token = tokenFrameFor(speech);
  const decodedFrames = token + 8; // ~240 ms decoded past the token

  it('vouches for a word once the silence right after it lasts the seal', () => {
    expect(vadAfter(speech, [true, 96]).vouchesFor(token, decodedFrames)).toBe(false);
    expect(vadAfter(speech, [true, 224]).vouchesFor(token, decodedFrames)).toBe(true);
  });

  it('does not split a word at a short pause inside it (a stop closure), even with the VAD far ahead', () => {
    expect(vadAfter(speech, [true, 96], [false, 160], [true, 900]).vouchesFor(token, decodedFrames)).toBe(false);
  });

  it('does not vouch when speech went on after the last token (its tokens are still to come)', () => {
    expect(vadAfter(speech + 320, [true, 400]).vouchesFor(token, decodedFrames)).toBe(false);
  });

  it('waits until the audio before the silence is decoded, token lag included', () => {
    const vad = vadAfter(speech, [true, 400]);
    expect(vad.vouchesFor(token, token + 1)).toBe(true); // the token itself proves the audio before it is in
    // A token the VAD places well before the silence (its lag was short): the model may still add pieces.
    const early = tokenFrameFor(speech - 90);
    expect(vad.vouchesFor(early, early + 2)).toBe(false);
    expect(vad.vouchesFor(early, early + 7)).toBe(true);
  });

  it('keeps the run after the word when the VAD has moved on to later speech and silence', () => {
    expect(vadAfter(speech, [true, 320], [false, 640], [true, 64]).vouchesFor(token, decodedFrames)).toBe(true);
  });

  it('counts a window at the threshold as speech, as the turn detector does', () => {
    const vad = new VadSilence(WINDOW_MS, 0.5, 200, DELAY_MS, FRAME_MS);
    for (let i = 0; i < 40; i++) vad.onWindow(0.5);
    expect(vad.openRunMs).toBe(0);
    vad.threshold = 0.6;
    for (let i = 0; i < 10; i++) vad.onWindow(0.5);
    expect(vad.openRunMs).toBe(320);
  });

  it('leaves the decoded-frames seal as the fallback (and the only rule without a VAD)', () => {
    const sealAfter = Math.round(SEAL_AFTER_MS / FRAME_MS);
    expect(lastWordSealed(token, token + sealAfter, sealAfter, null)).toBe(false);
    expect(lastWordSealed(token, token + 1 + sealAfter, sealAfter, null)).toBe(true);
    expect(lastWordSealed(token, token + 1 + sealAfter, sealAfter, vadAfter(speech + 1000, [true, 100]))).toBe(true);
  });
});

const SETTINGS: PrefixBeamSettings = { beam: 8, maxTokensPerFrame: 8, tokenPrune: 20, lmWeight: 1, wordBonus: 0, commitAfterFrames: 1000, oovPenalty: 100, keytermBonus: 4, finalizeAfterFrames: 4 };
const SYMBOLS = ['<blk>', '\u2581CAT', 'S'];

/** Frames: blank, then CAT at frame `at`, then blanks, as log-probs. */
function catThenBlank(frames: number, at: number): Float32Array {
  const rows: number[] = [];
  for (let f = 0; f < frames; f++) rows.push(...(f === at ? [1e-3, 1, 1e-12] : [1, 1e-12, 1e-12]).map((p) => Math.log(p)));
  return Float32Array.from(rows);
}

describe('searches apply the VAD seal', () => {
  const at = tokenFrameFor(32 * 40);
  const frames = at + 6; // 150 ms decoded past the token: far short of SEAL_AFTER_MS

  it('prefix beam: seals the last word as soon as the VAD vouches, without new frames', () => {
    const ctx = createPrefixBeamContext(SYMBOLS, 0, null, null, SETTINGS, FRAME_MS);
    const vad = vadAfter(32 * 40, [true, 96]);
    const state = createPrefixBeamState(ctx, [], vad);
    const first = ctcPrefixBeamStep(ctx, state, catThenBlank(frames, at), frames, SYMBOLS.length);
    expect(first.wordClosed).toBe(false);
    for (let i = 0; i < 4; i++) vad.onWindow(0.1);
    const again = ctcPrefixBeamStep(ctx, state, new Float32Array(0), 0, SYMBOLS.length);
    expect([...first.tokens, ...again.tokens].map((t) => t.id)).toEqual([1]);
    expect(again.wordClosed).toBe(true);
  });

  it('prefix beam: without the VAD the word stays open that long', () => {
    const ctx = createPrefixBeamContext(SYMBOLS, 0, null, null, SETTINGS, FRAME_MS);
    const state = createPrefixBeamState(ctx, []);
    expect(ctcPrefixBeamStep(ctx, state, catThenBlank(frames, at), frames, SYMBOLS.length).wordClosed).toBe(false);
  });

  it('CTC greedy: seals the last word on the VAD, else after SEAL_AFTER_MS', () => {
    const sealAfter = Math.round(SEAL_AFTER_MS / FRAME_MS);
    const withVad = ctcGreedyStep({ prev: -1, frameOffset: 0, seal: createGreedySeal(vadAfter(32 * 40, [true, 224])) }, catThenBlank(frames, at), frames, SYMBOLS.length, 0, sealAfter);
    const without = ctcGreedyStep({ prev: -1, frameOffset: 0 }, catThenBlank(frames, at), frames, SYMBOLS.length, 0, sealAfter);
    expect(withVad.wordClosed).toBe(true);
    expect(without.wordClosed).toBe(false);
  });
});
