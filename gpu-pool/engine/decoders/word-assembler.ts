import type { RecognizedWord } from '../api.ts';

/**
 * Tokens → words. Word boundaries: a separator token (" " in T-one vocabularies, a lone "▁")
 * ends the current word; a sentencepiece piece starting with "▁" starts a new one. Special
 * symbols (<unk>, <sos/eos>, ...) are dropped. A word is final once something after it proves
 * it ended (a boundary), or when the turn ends; committed tokens never change once emitted, so
 * final words are immutable (spec §5.1). A beam search's tentative tail is shown as non-final
 * words and replaced by each new guess.
 */
interface WordInProgress {
  text: string;
  startMs: number;
  endMs: number;
  probSum: number;
  count: number;
  closed: boolean;
  /** Shaped by tokens a beam search may still revise: never final. */
  tentative?: boolean;
}

export interface TentativeToken {
  id: number;
  frame: number;
  prob: number;
}

export class WordAssembler {
  private words: WordInProgress[] = [];
  /** A beam search's best guess beyond its committed tokens, shown but never final. */
  private tentative: TentativeToken[] = [];
  /** Bumped on every visible change: lets the stream skip snapshots when nothing changed. */
  version = 0;
  private visibleCache: { version: number; words: WordInProgress[] } | null = null;

  constructor(
    private readonly symbols: string[],
    private readonly frameMs: number,
    /** Added to token times: the stream's audio-clock offset of frame 0. */
    private readonly offsetMs = 0,
  ) {}

  /** A committed token. Returns true when the visible words changed. */
  addToken(id: number, frame: number, prob: number): boolean {
    const changed = this.append(this.words, id, frame, prob, false);
    if (changed) this.version++;
    return changed;
  }

  /** Replace the tentative tail (tokens after the committed ones). Returns true on a change. */
  setTentative(tokens: TentativeToken[]): boolean {
    const same = tokens.length === this.tentative.length && tokens.every((t, i) => t.id === this.tentative[i].id && t.frame === this.tentative[i].frame);
    if (same) return false;
    this.tentative = tokens;
    this.version++;
    return true;
  }

  private append(words: WordInProgress[], id: number, frame: number, prob: number, tentative: boolean): boolean {
    const sym = this.symbols[id] ?? '';
    const t = this.offsetMs + frame * this.frameMs;
    const last = words[words.length - 1];
    if (sym === ' ' || sym === '▁' || sym === '|') {
      if (last && !last.closed) {
        last.closed = true;
        if (tentative) last.tentative = true;
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
      if (last && !last.closed) {
        last.closed = true;
        // A guessed next word may yet turn out to continue this one.
        if (tentative) last.tentative = true;
      }
      words.push({ text: piece, startMs: t, endMs: t + this.frameMs, probSum: prob, count: 1, closed: false, tentative });
    } else {
      last.text += piece;
      last.endMs = t + this.frameMs;
      last.probSum += prob;
      last.count++;
      if (tentative) last.tentative = true;
    }
    return true;
  }

  /** Committed words plus the tentative tail (built once per version: asked several times per result). */
  private visible(): WordInProgress[] {
    if (this.tentative.length === 0) return this.words;
    if (this.visibleCache?.version === this.version) return this.visibleCache.words;
    const words = this.words.map((w) => ({ ...w }));
    for (const t of this.tentative) this.append(words, t.id, t.frame, t.prob, true);
    this.visibleCache = { version: this.version, words };
    return words;
  }

  /** The search says the last committed word is complete (finalization.ts): it is final now. */
  closeLastWord(): boolean {
    return this.finalizeAll();
  }

  /** The tentative tail becomes committed (a turn ends on the search's current best guess). */
  commitTentative(): void {
    const tail = this.tentative;
    if (tail.length === 0) return;
    this.tentative = [];
    for (const t of tail) this.append(this.words, t.id, t.frame, t.prob, false);
    this.version++;
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
    const words = this.visible();
    for (let i = words.length - 1; i >= 0; i--) {
      const w = words[i];
      if (w.text !== '') return { text: w.text, confidence: w.probSum / w.count, isFinal: w.closed && !w.tentative };
    }
    return undefined;
  }

  get isEmpty(): boolean {
    return this.visible().every((w) => w.text === '');
  }

  snapshot(): RecognizedWord[] {
    return this.visible()
      .filter((w) => w.text !== '')
      .map((w) => ({
        text: w.text,
        startMs: Math.max(0, Math.round(w.startMs)),
        endMs: Math.max(0, Math.round(w.endMs)),
        confidence: w.probSum / w.count,
        isFinal: w.closed && !w.tentative,
      }));
  }
}
