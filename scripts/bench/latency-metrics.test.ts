import { describe, expect, it } from 'vitest';
import { alignByText, sessionSamples, type ReceivedTurn, type ReceivedWord } from './latency-metrics.ts';

const w = (text: string, start: number, end: number, final: boolean): ReceivedWord => ({ text, start, end, word_is_final: final });

describe('bench:latency metrics', () => {
  // Audio time t ms was sent at wall time 1000 + t (frames ignored): delays read directly.
  const sentAt = (ms: number) => 1000 + ms;
  const turns: ReceivedTurn[] = [
    { at: 1700, turn_order: 0, end_of_turn: false, words: [w('hello', 100, 500, false)] },
    { at: 2000, turn_order: 0, end_of_turn: false, words: [w('hello', 100, 500, true), w('word', 600, 900, false)] },
    { at: 2600, turn_order: 0, end_of_turn: true, words: [w('hello', 100, 500, true), w('world', 600, 950, true)] },
  ];
  const utterances = [{ startMs: 100, endMs: 980, words: [{ text: 'hello', startMs: 90, endMs: 480 }, { text: 'world', startMs: 480, endMs: 980 }], ending: 'endpointer' as const }];

  it('time to final counts from the end of a word to the first Turn showing it final; first partial from any guess at its position', () => {
    const s = sessionSamples({ utterances, turns, sentAt });
    expect(s.toFinal).toEqual([2000 - 1500, 2600 - 1950]);
    expect(s.firstPartial).toEqual([1700 - 1500, 2000 - 1950]);
    expect(s.speechEndToLastFinal).toEqual([2600 - 1980]);
    expect(s.speechEndToEndOfTurn).toEqual([2600 - 1980]);
    expect(s.endError).toEqual([500 - 480, 950 - 980]);
    expect(s.finalWordChanges).toBe(0);
  });

  it('counts a final word that changes later, and ForceEndpoint to the next end_of_turn Turn', () => {
    const changed = [turns[0], turns[1], { ...turns[2], words: [w('hullo', 100, 500, true), turns[2].words[1]] }];
    const s = sessionSamples({ utterances: [{ ...utterances[0], ending: 'force', forceSentAt: 2590 }], turns: changed, sentAt });
    expect(s.finalWordChanges).toBe(1);
    expect(s.forceToFinal).toEqual([10]);
    expect(s.speechEndToEndOfTurn).toEqual([]);
  });

  it('aligns words by text, skipping insertions and deletions', () => {
    const pairs = alignByText([w('the', 0, 1, true), w('cat', 1, 2, true), w('sat', 2, 3, true)], [
      { text: 'The', startMs: 0, endMs: 1 },
      { text: 'sat', startMs: 2, endMs: 3 },
    ]);
    expect(pairs.map(([h, r]) => `${h.text}=${r.text}`)).toEqual(['the=The', 'sat=sat']);
  });
});
