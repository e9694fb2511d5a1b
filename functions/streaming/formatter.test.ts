import { describe, expect, it } from 'vitest';
import { formatWords } from './formatter.ts';
import type { Punctuation } from './punctuation/punctuator.ts';
import type { WordMessage } from './server-messages.ts';

const words = (...texts: string[]): WordMessage[] => texts.map((text, i) => ({ text, start: i * 300, end: i * 300 + 250, confidence: 0.9, word_is_final: true }));
const texts = (list: WordMessage[]) => list.map((word) => word.text).join(' ');

describe('formatWords with the punctuation model', () => {
  it("writes the model's marks and cases, a capital after each sentence end, and a closing mark", () => {
    const punctuation: Punctuation = {
      marks: ['', '', '.', ',', '', '', '', ''],
      cases: ['lower', 'lower', 'lower', 'lower', 'lower', 'upper', 'lower', 'capital'],
    };
    const out = formatWords(words('thank', 'you', 'bye', 'well', 'the', 'nasa', 'team', 'paris'), true, punctuation);
    expect(texts(out)).toBe('Thank you bye. Well, the NASA team Paris.');
    // Times and finality are the words' own.
    expect(out.map((w) => [w.start, w.end, w.word_is_final])).toEqual(words('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h').map((w) => [w.start, w.end, true]));
  });

  it('keeps a closing question mark, turns a closing comma into a period, and leaves marks already there', () => {
    expect(texts(formatWords(words('is', 'it', 'you'), true, { marks: ['', '', '?'], cases: ['lower', 'lower', 'lower'] }))).toBe('Is it you?');
    expect(texts(formatWords(words('i', 'know'), true, { marks: ['', ','], cases: ['lower', 'lower'] }))).toBe('I know.');
    expect(texts(formatWords(words('Really?'), true, { marks: ['.'], cases: ['capital'] }))).toBe('Really?');
  });

  it('falls back to the rules when the model gave no answer for every word, and ignores it on partials', () => {
    const short: Punctuation = { marks: ['?'], cases: ['upper'] };
    expect(texts(formatWords(words('hello', 'there'), true, short))).toBe('Hello there.');
    expect(texts(formatWords(words('hello', 'there'), false, { marks: ['', '?'], cases: ['lower', 'upper'] }))).toBe('Hello there');
  });
});
