/**
 * The committed punctuation model through OnnxPunctuator. Behaviour, not scores: npm run
 * eval:format measures it on the golden sets (docs/benchmarks.md).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PUNCTUATION_MODEL_DIR, OnnxPunctuator } from './punctuator.ts';

let punctuator: OnnxPunctuator;
beforeAll(async () => {
  punctuator = await OnnxPunctuator.load(DEFAULT_PUNCTUATION_MODEL_DIR);
});

const split = (text: string) => text.split(' ');

describe('OnnxPunctuator (models/earshot-punct-en)', () => {
  it('answers one mark and one case per word, for any words', async () => {
    const words = split("hello zzqx 42 don't McDonald's");
    const { marks, cases } = await punctuator.punctuate(words);
    expect(marks).toHaveLength(words.length);
    expect(cases).toHaveLength(words.length);
    for (const mark of marks) expect(['', ',', '.', '?']).toContain(mark);
    for (const wordCase of cases) expect(['lower', 'capital', 'upper']).toContain(wordCase);
    expect(await punctuator.punctuate([])).toEqual({ marks: [], cases: [] });
  });

  it('hears questions, pauses after a greeting and names', async () => {
    expect((await punctuator.punctuate(split('what time does the store open tomorrow'))).marks.at(-1)).toBe('?');
    const greeting = await punctuator.punctuate(split('hello my name is john'));
    expect(greeting.marks[0]).toBe(',');
    expect(greeting.cases.at(-1)).toBe('capital');
    const names = await punctuator.punctuate(split('we visited paris and london last summer'));
    expect([names.cases[2], names.cases[4]]).toEqual(['capital', 'capital']);
  });

  it('reads turns longer than one run of the model, word for word in order', async () => {
    const sentence = split('i think we should leave now or we will miss the train');
    const question = split('what time does the store open tomorrow');
    // One full run of filler, then a question that the second run reads on its own.
    const long = [...Array.from({ length: 22 }, () => sentence).flat().slice(0, 256), ...question];
    const { marks, cases } = await punctuator.punctuate(long);
    expect(marks).toHaveLength(long.length);
    expect(cases).toHaveLength(long.length);
    expect(marks.slice(256)).toEqual((await punctuator.punctuate(question)).marks);
    expect(marks.at(-1)).toBe('?');
  });
});
