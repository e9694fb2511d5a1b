import { describe, expect, it } from 'vitest';
import { ctcGreedyStep } from './ctc-greedy.ts';
import { createPrefixBeamContext, createPrefixBeamState, ctcPrefixBeamStep, finalizePrefixBeam, keytermWords, type PrefixBeamSettings } from './ctc-prefix-beam.ts';
import { Lexicon } from './lexicon.ts';
import { NgramLm } from './ngram-lm.ts';

const SETTINGS: PrefixBeamSettings = { beam: 8, maxTokensPerFrame: 8, tokenPrune: 20, lmWeight: 1, wordBonus: 0, commitAfterFrames: 1000, oovPenalty: 100, keytermBonus: 4 };

/** Frames of probabilities (rows over the vocabulary) → log-probs, flat. */
function logProbs(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat(), (p) => Math.log(Math.max(p, 1e-12)));
}

function decode(
  symbols: string[],
  rows: number[][],
  opts: { lm?: NgramLm; lexicon?: Lexicon; settings?: Partial<PrefixBeamSettings>; chunk?: number; keyterms?: string[] } = {},
) {
  const ctx = createPrefixBeamContext(symbols, 0, opts.lm ?? null, opts.lexicon ?? null, { ...SETTINGS, ...opts.settings });
  const state = createPrefixBeamState(ctx, opts.keyterms);
  const lp = logProbs(rows);
  const v = symbols.length;
  const chunk = opts.chunk ?? rows.length;
  const streamed: number[] = [];
  for (let f = 0; f < rows.length; f += chunk) {
    const t = Math.min(chunk, rows.length - f);
    streamed.push(...ctcPrefixBeamStep(ctx, state, lp.subarray(f * v, (f + t) * v), t, v).tokens.map((x) => x.id));
  }
  const final = finalizePrefixBeam(ctx, state).map((x) => x.id);
  const text = [...streamed, ...final].map((id) => symbols[id]).join('').replace(/\u2581/g, ' ').trim();
  return { streamed, final, text };
}

/** "I", then RED or READ (acoustically close, RED a little ahead), then "BOOKS". */
const READ_SYMBOLS = ['<blk>', '\u2581I', '\u2581RED', '\u2581READ', '\u2581BOOKS'];
function iReadBooks(red: number): number[][] {
  return [
    [0, 1, 0, 0, 0],
    [1, 0, 0, 0, 0],
    [0, 0, red, 1 - red, 0],
    [1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1],
  ];
}

describe('CTC prefix beam search', () => {
  it('sums the alignments of a prefix (greedy sees only blanks)', () => {
    const symbols = ['<blk>', '\u2581A', '\u2581B'];
    const rows = [
      [0.5, 0.4, 0.1],
      [0.5, 0.4, 0.1],
    ];
    const greedy = ctcGreedyStep({ prev: -1, frameOffset: 0 }, logProbs(rows), 2, 3, 0);
    expect(greedy.tokens).toEqual([]);
    // P(A) = .4·.4 + .4·.5 + .5·.4 = .56 > P(∅) = .25
    expect(decode(symbols, rows).text).toBe('A');
  });

  it('keeps a repeated token apart only across a blank', () => {
    const symbols = ['<blk>', '\u2581A', 'A'];
    expect(decode(symbols, [[0, 1, 0], [0, 0, 1], [0, 0, 1]]).text).toBe('AA');
    expect(decode(symbols, [[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 0, 1]]).text).toBe('AAA');
  });

  it('spells only words of the lexicon', () => {
    const symbols = ['<blk>', '\u2581C', 'A', 'T', 'R'];
    const rows = [
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0.1, 0, 0, 0.55, 0.35],
    ];
    expect(decode(symbols, rows).text).toBe('CAT');
    const lexicon = Lexicon.fromText('CAR \u2581C A R\nCA \u2581C A', symbols);
    expect(decode(symbols, rows, { lexicon }).text).toBe('CAR');
  });

  it('lets the language model choose between acoustically close words', () => {
    const lm = NgramLm.fromText(
      ['\\data\\', 'ngram 1=6', 'ngram 2=2', '', '\\1-grams:', '-1\t<s>\t0', '-1\t</s>', '-1\tI\t0', '-1\tRED\t0', '-1\tREAD\t0', '-1\tBOOKS\t0', '', '\\2-grams:', '-0.1\tI READ', '-3\tI RED', '', '\\end\\'].join('\n'),
    );
    const rows = iReadBooks(0.55);
    expect(decode(READ_SYMBOLS, rows).text).toBe('I RED BOOKS');
    expect(decode(READ_SYMBOLS, rows, { lm }).text).toBe('I READ BOOKS');
  });

  it('emits while streaming only what no later frame can change, and the rest on finalize', () => {
    const symbols = ['<blk>', '\u2581A', '\u2581B'];
    const rows = [[0.1, 0.8, 0.1], ...Array.from({ length: 3 }, () => [0.9, 0.05, 0.05])];
    const r = decode(symbols, rows);
    // Other paths (∅, "A B", ...) survive in the beam: nothing is certain yet.
    expect(r.streamed).toEqual([]);
    expect(r.final.map((id) => symbols[id])).toEqual(['\u2581A']);
  });

  it('commits the best path after a pause', () => {
    const symbols = ['<blk>', '\u2581A', '\u2581B'];
    const rows = [[0.1, 0.8, 0.1], ...Array.from({ length: 10 }, () => [0.9, 0.05, 0.05])];
    const r = decode(symbols, rows, { settings: { commitAfterFrames: 8 } });
    expect(r.streamed.map((id) => symbols[id])).toEqual(['\u2581A']);
    expect(r.final).toEqual([]);
  });

  it('gives the same words whatever the chunking', () => {
    const symbols = ['<blk>', '\u2581A', 'B', '\u2581C', 'D'];
    // A pseudo-random but fixed posteriorgram.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const rows = Array.from({ length: 40 }, () => {
      const r = symbols.map(() => rand() ** 3);
      const z = r.reduce((a, b) => a + b, 0);
      return r.map((x) => x / z);
    });
    const whole = decode(symbols, rows).text;
    expect(whole.length).toBeGreaterThan(0);
    for (const chunk of [1, 3, 10]) expect(decode(symbols, rows, { chunk }).text).toBe(whole);
  });

  it('favours the words of keyterms, also words its lexicon lacks', () => {
    const symbols = READ_SYMBOLS;
    const rows = iReadBooks(0.6);
    expect(decode(symbols, rows, { keyterms: ['Harry Potter'] }).text).toBe('I RED BOOKS');
    expect(decode(symbols, rows, { keyterms: ['read'] }).text).toBe('I READ BOOKS');
    const lexicon = Lexicon.fromText('I \u2581I\nRED \u2581RED\nBOOKS \u2581BOOKS', symbols);
    const soft = { oovPenalty: 6 };
    expect(decode(symbols, rows, { lexicon, settings: soft }).text).toBe('I RED BOOKS');
    expect(decode(symbols, rows, { lexicon, settings: soft, keyterms: ['READ'] }).text).toBe('I READ BOOKS');
  });

  it('spells keyterms as the model spells words', () => {
    expect([...keytermWords(["Earshot's API", '  gRPC-2 ', ''])]).toEqual(["EARSHOT'S", 'API', 'GRPC']);
  });

  it('settles old tokens in long speech without pauses, even when paths differ only far back', () => {
    const symbols = ['<blk>', '\u2581A', '\u2581B', '\u2581C'];
    // A and B tie at the start; both paths then extend alike for 200 tokens.
    const rows = [[0, 0.5, 0.5, 0], [1, 0, 0, 0], ...Array.from({ length: 200 }, () => [[0, 0, 0, 1], [1, 0, 0, 0]]).flat()];
    const r = decode(symbols, rows);
    expect(r.streamed.length).toBeGreaterThan(100);
    expect(r.streamed.length + r.final.length).toBe(201);
  });
});

describe('finalisation policy (finalization.ts)', () => {
  /** "I" then RED or READ, ambiguous (the paths disagree on it), then a pause, then BOOKS. */
  const rows = (pauseFrames: number) => [
    [0, 1, 0, 0, 0],
    [1, 0, 0, 0, 0],
    [0, 0, 0.5, 0.5, 0],
    ...Array.from({ length: pauseFrames }, () => [1, 0, 0, 0, 0]),
    [0, 0, 0, 0, 1],
    [1, 0, 0, 0, 0],
  ];

  function stepByFrame(settings: Partial<PrefixBeamSettings>, frames: number[][]) {
    const ctx = createPrefixBeamContext(READ_SYMBOLS, 0, null, null, { ...SETTINGS, ...settings }, 30);
    const state = createPrefixBeamState(ctx);
    const lp = logProbs(frames);
    const v = READ_SYMBOLS.length;
    const out: { frame: number; tokens: number[]; wordClosed: boolean }[] = [];
    for (let f = 0; f < frames.length; f++) {
      const r = ctcPrefixBeamStep(ctx, state, lp.subarray(f * v, (f + 1) * v), 1, v);
      out.push({ frame: f, tokens: r.tokens.map((t) => t.id), wordClosed: r.wordClosed === true });
    }
    return out;
  }

  it('commits a word followed by another once its end is the bound in the past, although paths disagree on it', () => {
    // Without the policy nothing is settled while streaming (an unlikely empty path survives too).
    const off = stepByFrame({ finalizeAfterFrames: null }, rows(20));
    expect(off.flatMap((r) => r.tokens)).toEqual([]);
    // With a bound of 3 frames: I (ends at frame 1, RED/READ follows) is final at frame 3; the
    // tie RED/READ has nothing after it, so it is sealed after the 450 ms pause (15 frames).
    const on = stepByFrame({ finalizeAfterFrames: 3 }, rows(20));
    expect(on.find((r) => r.tokens.includes(1))).toEqual({ frame: 3, tokens: [1], wordClosed: true });
    const committed = on.filter((r) => r.tokens.some((t) => t === 2 || t === 3));
    expect(committed).toHaveLength(1);
    // Sealed after 15 frames without a token (end of frame 2 + 15 = frame 17), not earlier.
    expect(committed[0].frame).toBe(2 + 15);
    expect(committed[0].wordClosed).toBe(true);
    // BOOKS follows as a new word; its predecessor was never retracted.
    expect(on.flatMap((r) => r.tokens).filter((t) => t === 4).length).toBeLessThanOrEqual(1);
  });

  it('commits a word as soon as the next word has begun and its end is the bound old', () => {
    // A short pause (2 frames): BOOKS begins at frame 5, before any seal; RED/READ ends at frame 3.
    const on = stepByFrame({ finalizeAfterFrames: 3 }, [...rows(2), [1, 0, 0, 0, 0], [1, 0, 0, 0, 0], [1, 0, 0, 0, 0]]);
    const at = on.find((r) => r.tokens.some((t) => t === 2 || t === 3));
    // Word end = frame 2 + 1 = 3; committed once 3 more frames are decoded (frames 0..5) and BOOKS is on the path.
    expect(at?.frame).toBe(5);
  });
});

describe('blank penalty', () => {
  // A faint word: its one frame slightly favours blank, so the best prefix is empty.
  const symbols = ['<blk>', '\u2581YES'];
  const faint = [
    [0.6, 0.4],
    [1, 0],
  ];
  it('the faint word is dropped without it', () => {
    expect(decode(symbols, faint).text).toBe('');
  });
  it('emits the word once the blank pays the penalty', () => {
    expect(decode(symbols, faint, { settings: { blankPenalty: 0.5 } }).text).toBe('YES');
  });
});
