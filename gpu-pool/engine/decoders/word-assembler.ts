import type { RecognizedWord } from '../api.ts';

/**
 * Tokens → words. Word boundaries: a separator token (" " in T-one vocabularies, a lone "▁")
 * ends the current word; a sentencepiece piece starting with "▁" starts a new one. Special
 * symbols (<unk>, <sos/eos>, ...) are dropped. A word is final once something after it proves
 * it ended (a boundary), or when the turn ends; greedy tokens never change once emitted, so
 * final words are immutable (spec §5.1).
 */
interface WordInProgress {
  text: string;
  startMs: number;
  endMs: number;
  probSum: number;
  count: number;
  closed: boolean;
}

export class WordAssembler {
  private words: WordInProgress[] = [];
  /** Bumped on every visible change: lets the stream skip snapshots when nothing changed. */
  version = 0;

  constructor(
    private readonly symbols: string[],
    private readonly frameMs: number,
    /** Added to token times: the stream's audio-clock offset of frame 0. */
    private readonly offsetMs = 0,
  ) {}

  /** Returns true when the visible words changed. */
  addToken(id: number, frame: number, prob: number): boolean {
    const sym = this.symbols[id] ?? '';
    const t = this.offsetMs + frame * this.frameMs;
    const last = this.words[this.words.length - 1];
    if (sym === ' ' || sym === '▁' || sym === '|') {
      if (last && !last.closed) {
        last.closed = true;
        this.version++;
        return true;
      }
      return false;
    }
    if (sym === '' || /^<.*>$/.test(sym)) return false;
    let piece = sym;
    let startsWord = false;
    if (piece.startsWith('▁')) {
      piece = piece.slice(1);
      startsWord = true;
    }
    if (!last || last.closed || startsWord) {
      if (last) last.closed = true;
      this.words.push({ text: piece, startMs: t, endMs: t + this.frameMs, probSum: prob, count: 1, closed: false });
    } else {
      last.text += piece;
      last.endMs = t + this.frameMs;
      last.probSum += prob;
      last.count++;
    }
    this.version++;
    return true;
  }

  /** Close the open word (end of turn). Returns true when that changed anything. */
  finalizeAll(): boolean {
    const last = this.words[this.words.length - 1];
    if (last && !last.closed) {
      last.closed = true;
      this.version++;
      return true;
    }
    return false;
  }

  /** The last word, without building a snapshot (the turn logic asks after every result). */
  lastWord(): { text: string; confidence: number; isFinal: boolean } | undefined {
    for (let i = this.words.length - 1; i >= 0; i--) {
      const w = this.words[i];
      if (w.text !== '') return { text: w.text, confidence: w.probSum / w.count, isFinal: w.closed };
    }
    return undefined;
  }

  get isEmpty(): boolean {
    return this.words.every((w) => w.text === '');
  }

  get lastWordOpen(): boolean {
    const last = this.words[this.words.length - 1];
    return !!last && !last.closed;
  }

  get lastTokenMs(): number {
    const last = this.words[this.words.length - 1];
    return last ? last.endMs : -1;
  }

  snapshot(): RecognizedWord[] {
    return this.words
      .filter((w) => w.text !== '')
      .map((w) => ({
        text: w.text,
        startMs: Math.round(w.startMs),
        endMs: Math.round(w.endMs),
        confidence: w.probSum / w.count,
        isFinal: w.closed,
      }));
  }
}
