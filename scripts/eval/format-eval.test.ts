/**
 * The served formatter on the committed golden sets (scripts/eval/format/): a change to the ITN
 * grammar or to models/earshot-punct-en that drops a class or a mark below issue 28's goals fails
 * here. npm run eval:format prints the same scores with the misses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PUNCTUATION_MODEL_DIR, OnnxPunctuator } from '../../functions/streaming/punctuation/punctuator.ts';
import { dataLines, FORMAT_GOALS, itnAccuracy, punctuationScores, type PunctuationScores } from './format-eval.ts';

describe('format_turns on the golden sets (served configuration)', () => {
  it(`writes every ITN class exactly in at least ${FORMAT_GOALS.itnExact * 100} % of its sentences`, () => {
    const rows = dataLines('itn.tsv').map((line) => line.split('\t') as [string, string, string]);
    const byClass = itnAccuracy(rows);
    expect(byClass.size).toBeGreaterThanOrEqual(10);
    const below = [...byClass].filter(([, c]) => c.exact / c.total < FORMAT_GOALS.itnExact).map(([kind, c]) => `${kind} ${c.exact}/${c.total}`);
    expect(below).toEqual([]);
  });

  describe('punctuation and casing by models/earshot-punct-en', () => {
    let scores: PunctuationScores;
    beforeAll(async () => {
      const lines = dataLines('punctuation.txt');
      expect(lines.length).toBeGreaterThanOrEqual(100);
      scores = await punctuationScores(lines, await OnnxPunctuator.load(DEFAULT_PUNCTUATION_MODEL_DIR));
    });

    it.each([',', '.', '?'])(`F1 of %s is at least ${FORMAT_GOALS.markF1}`, (mark) => {
      expect(scores.f1[mark]).toBeGreaterThanOrEqual(FORMAT_GOALS.markF1);
    });

    it(`cases at least ${FORMAT_GOALS.caseAccuracy * 100} % of the words right`, () => {
      expect(scores.caseAccuracy).toBeGreaterThanOrEqual(FORMAT_GOALS.caseAccuracy);
    });
  });
});
