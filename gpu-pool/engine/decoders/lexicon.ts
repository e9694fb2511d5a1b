import { readFileSync } from 'node:fs';
import { ModelFormatError } from '../errors.ts';

/**
 * The words a beam search may spell, as a trie over token ids (lexicon.txt: "WORD tok tok ...",
 * the layout icefall uses). Edges live in one Map keyed by node * vocabulary + token, which
 * costs far less memory than a Map per node for tens of thousands of words.
 */
export class Lexicon {
  static readonly ROOT = 0;
  private readonly edges = new Map<number, number>();
  /** Per node: index into `words` of the word that ends there, or -1. */
  private wordEnd: number[] = [-1];
  readonly words: string[] = [];

  private constructor(private readonly vocabSize: number) {}

  static load(path: string, symbols: string[]): Lexicon {
    return Lexicon.fromText(readFileSync(path, 'utf8'), symbols, path);
  }

  static fromText(text: string, symbols: string[], source = '(text)'): Lexicon {
    const ids = new Map(symbols.map((s, i) => [s, i]));
    const lex = new Lexicon(symbols.length);
    for (const line of text.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 2) continue;
      const tokens = f.slice(1).map((t) => ids.get(t));
      // A word the model cannot spell (a piece missing from tokens.txt) is left out.
      if (tokens.some((t) => t === undefined)) continue;
      lex.add(f[0], tokens as number[]);
    }
    if (lex.words.length === 0) throw new ModelFormatError(`${source}: no word of the lexicon can be spelled with tokens.txt`);
    return lex;
  }

  private add(word: string, tokens: number[]): void {
    let node = Lexicon.ROOT;
    for (const t of tokens) {
      const key = node * this.vocabSize + t;
      let next = this.edges.get(key);
      if (next === undefined) {
        next = this.wordEnd.length;
        this.wordEnd.push(-1);
        this.edges.set(key, next);
      }
      node = next;
    }
    if (this.wordEnd[node] < 0) {
      this.wordEnd[node] = this.words.length;
      this.words.push(word);
    }
  }

  /** The node reached from `node` by `token`, or -1. */
  next(node: number, token: number): number {
    return this.edges.get(node * this.vocabSize + token) ?? -1;
  }

  /** The word that ends at `node`, or null. */
  wordAt(node: number): string | null {
    const w = this.wordEnd[node];
    return w >= 0 ? this.words[w] : null;
  }
}
