import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NgramLm } from './ngram-lm.ts';

const TINY_ARPA = `
\\data\\
ngram 1=7
ngram 2=3
ngram 3=1

\\1-grams:
-1.0\t<s>\t-0.3
-1.0\t</s>
-0.7\tI\t-0.2
-0.9\tRED\t-0.3
-0.9\tREAD\t-0.3
-1.2\tBOOKS
-2.0\t<unk>

\\2-grams:
-0.1\tI READ\t-0.1
-3.0\tI RED
-0.2\t<s> I

\\3-grams:
-0.05\tI READ BOOKS

\\end\\
`;

const ln = (log10: number) => log10 * Math.LN10;

describe('NgramLm (ARPA)', () => {
  const lm = NgramLm.fromText(TINY_ARPA);
  const id = (w: string) => lm.wordId(w);

  it('reads the order and the special words', () => {
    expect(lm.order).toBe(3);
    expect(lm.bosId).toBe(id('<s>'));
    expect(lm.wordId('NOT-A-WORD')).toBe(lm.unkId);
  });

  it('uses the longest stored n-gram', () => {
    expect(lm.score([id('I'), id('READ')], id('BOOKS'))).toBeCloseTo(ln(-0.05), 9);
    expect(lm.score([id('<s>')], id('I'))).toBeCloseTo(ln(-0.2), 9);
    expect(lm.score([id('I')], id('RED'))).toBeCloseTo(ln(-3.0), 9);
  });

  it('backs off through the context weights', () => {
    // (RED, READ) is not stored: back-off of RED + unigram READ.
    expect(lm.score([id('RED')], id('READ'))).toBeCloseTo(ln(-0.3 - 0.9), 9);
    // (I RED BOOKS) is not stored and (I RED) carries no back-off weight; (RED BOOKS) is not
    // stored either: bo(RED) + P(BOOKS).
    expect(lm.score([id('I'), id('RED')], id('BOOKS'))).toBeCloseTo(ln(-0.3 - 1.2), 9);
    // (I READ) stored with back-off -0.1: an unseen trigram continuation pays it.
    expect(lm.score([id('I'), id('READ')], id('I'))).toBeCloseTo(ln(-0.1 - 0.3 - 0.7), 9);
  });

  it('scores unknown words as <unk>', () => {
    expect(lm.score([], lm.wordId('ZEBRA'))).toBeCloseTo(ln(-2.0), 9);
  });

  it('loads gzipped files and rejects files that are not ARPA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-lm-'));
    writeFileSync(join(dir, 'lm.arpa.gz'), gzipSync(TINY_ARPA));
    expect(NgramLm.load(join(dir, 'lm.arpa.gz')).score([], id('BOOKS'))).toBeCloseTo(ln(-1.2), 9);
    writeFileSync(join(dir, 'bad.arpa'), 'hello');
    expect(() => NgramLm.load(join(dir, 'bad.arpa'))).toThrow(/not an ARPA/);
  });
});
