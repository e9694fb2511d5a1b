import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ModelFormatError } from '../errors.ts';

const LN10 = Math.LN10;

/**
 * A word n-gram language model in the ARPA format (plain or gzipped), queried with back-off:
 * log P(w | context) = the longest stored n-gram's log-prob plus the back-off weights of the
 * contexts that had to be shortened. Words are looked up by id; n-grams are keyed by a number
 * built from the ids (exact while vocabulary^order < 2^53), else by a string.
 */
export class NgramLm {
  readonly order: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly unkId: number;
  private readonly ids = new Map<string, number>();
  private readonly logProb = new Map<number | string, number>();
  private readonly backoff = new Map<number | string, number>();
  private readonly radix: number;
  private readonly numericKeys: boolean;

  private constructor(text: string, source: string) {
    const lines = text.split('\n');
    let i = lines.findIndex((l) => l.trim() === '\\data\\');
    if (i < 0) throw new ModelFormatError(`${source}: not an ARPA language model (no \\data\\ section)`);
    const counts: number[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('\\'); i++) {
      const m = /^ngram (\d+)=(\d+)/.exec(lines[i].trim());
      if (m) counts[Number(m[1]) - 1] = Number(m[2]);
    }
    this.order = counts.length;
    if (this.order === 0) throw new ModelFormatError(`${source}: ARPA header lists no n-gram counts`);
    // Vocabulary first: ids are the unigrams' order of appearance.
    const unigramStart = lines.indexOf('\\1-grams:', i);
    if (unigramStart < 0) throw new ModelFormatError(`${source}: no \\1-grams: section`);
    for (let j = unigramStart + 1; j < lines.length && !lines[j].startsWith('\\'); j++) {
      const f = lines[j].split(/\s+/);
      if (f.length >= 2 && f[1] !== '' && !this.ids.has(f[1])) this.ids.set(f[1], this.ids.size);
    }
    if (!this.ids.has('<unk>')) this.ids.set('<unk>', this.ids.size);
    this.radix = this.ids.size + 1;
    this.numericKeys = Math.pow(this.radix, this.order) < Number.MAX_SAFE_INTEGER;
    let n = 0;
    for (let j = unigramStart; j < lines.length; j++) {
      const line = lines[j].trim();
      const section = /^\\(\d+)-grams:$/.exec(line);
      if (section) {
        n = Number(section[1]);
        continue;
      }
      if (line === '\\end\\') break;
      if (n === 0 || line === '') continue;
      const f = line.split(/\s+/);
      if (f.length < n + 1) throw new ModelFormatError(`${source}: malformed ${n}-gram line '${line}'`);
      const words = f.slice(1, n + 1).map((w) => this.ids.get(w));
      if (words.some((w) => w === undefined)) continue; // a word missing from the unigrams can never be queried
      const key = this.key(words as number[]);
      this.logProb.set(key, Number(f[0]) * LN10);
      if (f.length > n + 1) this.backoff.set(key, Number(f[n + 1]) * LN10);
    }
    this.bosId = this.ids.get('<s>') ?? -1;
    this.eosId = this.ids.get('</s>') ?? -1;
    this.unkId = this.ids.get('<unk>')!;
    if (!this.logProb.has(this.key([this.unkId]))) this.logProb.set(this.key([this.unkId]), -100 * LN10);
  }

  static load(path: string): NgramLm {
    const raw = readFileSync(path);
    const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    return new NgramLm(text, path);
  }

  static fromText(text: string): NgramLm {
    return new NgramLm(text, '(text)');
  }

  wordId(word: string): number {
    return this.ids.get(word) ?? this.unkId;
  }

  /**
   * Natural-log P(word | history), history oldest first (its last order-1 ids are used).
   */
  score(history: readonly number[], word: number): number {
    let penalty = 0;
    const maxContext = Math.min(history.length, this.order - 1);
    for (let c = maxContext; c >= 0; c--) {
      const ids = history.slice(history.length - c);
      ids.push(word);
      const lp = this.logProb.get(this.key(ids));
      if (lp !== undefined) return lp + penalty;
      if (c > 0) penalty += this.backoff.get(this.key(history.slice(history.length - c))) ?? 0;
    }
    return this.logProb.get(this.key([this.unkId]))! + penalty;
  }

  private key(ids: readonly number[]): number | string {
    if (!this.numericKeys) return ids.join(' ');
    // Digits 1..radix-1 in base radix: distinct id sequences of any length never collide.
    let k = 0;
    for (const id of ids) k = k * this.radix + id + 1;
    return k;
  }
}
