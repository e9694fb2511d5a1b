import { describe, expect, it } from 'vitest';
import { TurnBuilder } from './turn-builder.ts';

const word = (text: string, startMs: number, isFinal: boolean) => ({ text, startMs, endMs: startMs + 299.6, confidence: 0.91234567, isFinal });

describe('TurnBuilder', () => {
  it('keeps finalised words immutable and the transcript to final words only', () => {
    const turns = new TurnBuilder(false);
    expect(turns.partial([])).toBeUndefined();
    const first = turns.partial([word('hello', 100.4, false)])!;
    expect(first).toMatchObject({ turn_order: 0, end_of_turn: false, transcript: '', utterance: '', turn_is_formatted: false });
    expect(first.words).toEqual([{ start: 100, end: 400, text: 'hello', confidence: 0.912346, word_is_final: false }]);

    turns.partial([word('hello', 100, true), word('word', 500, false)]);
    // The worker revises a final word: the client never sees the change.
    const third = turns.partial([word('yellow', 100, true), word('world', 500, true), word('again', 900, false)])!;
    expect(third.transcript).toBe('hello world');
    expect(third.words.map((w) => [w.text, w.word_is_final])).toEqual([
      ['hello', true],
      ['world', true],
      ['again', false],
    ]);

    const end = turns.endOfTurn([word('yellow', 100, true), word('world', 500, true), word('again', 900, true)], 0.87)!;
    expect(end).toMatchObject({ turn_order: 0, end_of_turn: true, transcript: 'hello world again', utterance: 'hello world again', end_of_turn_confidence: 0.87 });
    expect(end.words.every((w) => w.word_is_final && Number.isInteger(w.start) && Number.isInteger(w.end))).toBe(true);

    expect(turns.partial([word('next', 2000, false)])!.turn_order).toBe(1);
    expect(turns.endOfTurn([word('next', 2000, true)], 0.5)!.turn_order).toBe(1);
    expect(turns.endOfTurn([], 0.5)).toBeUndefined();
  });

  it('formats only when format_turns is on, and says so', () => {
    const turns = new TurnBuilder(true);
    const partial = turns.partial([word('hi', 0, true), word('there', 400, false)])!;
    expect(partial).toMatchObject({ turn_is_formatted: true, transcript: 'Hi' });
    const end = turns.endOfTurn([word('hi', 0, true), word('there', 400, true)], 0.9)!;
    expect(end).toMatchObject({ turn_is_formatted: true, transcript: 'Hi there.', utterance: 'Hi there.' });
    const already = turns.endOfTurn([word('Really?', 0, true)], 0.9)!;
    expect(already.transcript).toBe('Really?');
    const shouting = turns.endOfTurn([word('WELL', 0, true), word("I'M", 300, true), word('HERE', 600, true)], 0.9)!;
    expect(shouting.transcript).toBe("Well I'm here.");
  });

  it('writes numbers in the formatted final transcript only; words, times and partials stay as spoken', () => {
    const spoken = ['it', 'costs', 'twenty', 'five', 'dollars'];
    const formatted = new TurnBuilder(true);
    const partial = formatted.partial(spoken.map((text, i) => word(text, i * 300, true)))!;
    expect(partial.transcript).toBe('It costs twenty five dollars');
    const end = formatted.endOfTurn(spoken.map((text, i) => word(text, i * 300, true)), 0.9)!;
    expect(end).toMatchObject({ transcript: 'It costs $25.', utterance: 'It costs $25.' });
    expect(end.words.map((w) => [w.text, w.start, w.end])).toEqual([
      ['It', 0, 300],
      ['costs', 300, 600],
      ['twenty', 600, 900],
      ['five', 900, 1200],
      ['dollars.', 1200, 1500],
    ]);
    // The same words the partial already finalised, unchanged but for the formatter's casing and period.
    expect(end.words.slice(0, 4)).toEqual(partial.words.slice(0, 4));
    const unformatted = new TurnBuilder(false).endOfTurn(spoken.map((text, i) => word(text, i * 300, true)), 0.9)!;
    expect(unformatted.transcript).toBe('it costs twenty five dollars');
  });

  it('gives upper-case model output the unformatted lower-case convention', () => {
    const turns = new TurnBuilder(false);
    expect(turns.endOfTurn([word('HELLO', 0, true), word('McDonald', 300, true)], 0.9)!.transcript).toBe('hello McDonald');
  });
});
