import { describe, expect, it } from 'vitest';
import { WordAssembler } from './word-assembler.ts';

const SYMBOLS = ['<blk>', '\u2581HE', 'LLO', '\u2581WOR', 'LD', '\u2581THERE'];
const tok = (id: number, frame: number) => ({ id, frame, prob: 0.9 });
const view = (w: WordAssembler) => w.snapshot().map((x) => `${x.text}${x.isFinal ? '' : '?'}`);

describe('WordAssembler', () => {
  it('builds words from pieces; a word is final once the next one starts', () => {
    const w = new WordAssembler(SYMBOLS, 30);
    w.addToken(1, 0, 0.9);
    w.addToken(2, 1, 0.9);
    expect(view(w)).toEqual(['HELLO?']);
    w.addToken(3, 5, 0.9);
    expect(view(w)).toEqual(['HELLO', 'WOR?']);
    expect(w.snapshot()[1]).toMatchObject({ startMs: 150, endMs: 180 });
  });

  it('shows a tentative tail as non-final words and replaces it with each new guess', () => {
    const w = new WordAssembler(SYMBOLS, 30);
    w.addToken(1, 0, 0.9);
    expect(w.setTentative([tok(2, 1), tok(5, 4)])).toBe(true);
    // HELLO is closed by a guessed word, so it is not final either.
    expect(view(w)).toEqual(['HELLO?', 'THERE?']);
    expect(w.setTentative([tok(2, 1), tok(5, 4)])).toBe(false);
    w.setTentative([tok(2, 1), tok(3, 4), tok(4, 5)]);
    expect(view(w)).toEqual(['HELLO?', 'WORLD?']);
    expect(w.lastWord()).toMatchObject({ text: 'WORLD', isFinal: false });
    // The committed part never contains guessed tokens.
    w.setTentative([]);
    expect(view(w)).toEqual(['HE?']);
  });
});
