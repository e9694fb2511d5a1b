/**
 * What `npm run bench:latency` measures, computed from what one session sent and received.
 * Every delay is client wall-clock time: the arrival of a Turn minus the moment the client had
 * sent the audio in question (the frame holding it), as a live microphone client sees it.
 */
import type { TimedWord } from './timed-speech.ts';

/** One spoken sentence in a session, on the session's audio clock (ms). */
export interface ScriptedUtterance {
  startMs: number;
  endMs: number;
  /** Its words with their true boundaries (from the synthesiser), on the session clock. */
  words: TimedWord[];
  /** How its turn is meant to end: by the endpointer, or by a ForceEndpoint the client sends. */
  ending: 'endpointer' | 'force';
  /** Wall time the ForceEndpoint was sent (ending 'force'). */
  forceSentAt?: number;
}

export interface ReceivedWord {
  text: string;
  start: number;
  end: number;
  word_is_final: boolean;
}

export interface ReceivedTurn {
  /** Wall time of arrival. */
  at: number;
  turn_order: number;
  end_of_turn: boolean;
  words: ReceivedWord[];
}

export interface SessionRecord {
  utterances: ScriptedUtterance[];
  turns: ReceivedTurn[];
  /** Wall time at which the frame holding this audio time (ms) was sent. */
  sentAt(audioMs: number): number;
  /** The session asked for format_turns=true. */
  formatted?: boolean;
}

export interface LatencySamples {
  /** Per final word: its first appearance (any guess at its position) − end of its audio. */
  firstPartial: number[];
  /** Per final word: the first Turn with it word_is_final − end of its audio (engine timestamp). */
  toFinal: number[];
  /** Per utterance: its last word turning final − end of its speech (true boundary). */
  speechEndToLastFinal: number[];
  /** Per endpointer utterance: its end_of_turn Turn − end of its speech (true boundary). */
  speechEndToEndOfTurn: number[];
  /** Per ForceEndpoint: the next end_of_turn Turn − the moment it was sent. */
  forceToFinal: number[];
  /** Per word matched to the reference by text: engine end − true end (ms of audio). */
  endError: number[];
  /** Final words seen again with other text, time or finality in a later Turn (must stay 0). */
  finalWordChanges: number;
}

export function emptySamples(): LatencySamples {
  return { firstPartial: [], toFinal: [], speechEndToLastFinal: [], speechEndToEndOfTurn: [], forceToFinal: [], endError: [], finalWordChanges: 0 };
}

const normal = (text: string) => text.toLowerCase().replace(/[^a-z']/g, '');

export function sessionSamples(rec: SessionRecord, into: LatencySamples = emptySamples()): LatencySamples {
  const byTurn = new Map<number, ReceivedTurn[]>();
  for (const t of rec.turns) {
    const list = byTurn.get(t.turn_order) ?? [];
    list.push(t);
    byTurn.set(t.turn_order, list);
  }
  /** Final words of ended turns, with the time each first arrived as final. */
  const finals: { word: ReceivedWord; finalAt: number; turn: ReceivedTurn }[] = [];
  for (const turns of byTurn.values()) {
    const last = turns.find((t) => t.end_of_turn);
    if (!last) continue;
    last.words.forEach((word, i) => {
      const firstFinal = turns.find((t) => t.words[i]?.word_is_final)!;
      const firstSeen = turns.find((t) => t.words.length > i)!;
      const ended = rec.sentAt(word.end);
      into.toFinal.push(firstFinal.at - ended);
      into.firstPartial.push(firstSeen.at - ended);
      finals.push({ word, finalAt: firstFinal.at, turn: last });
      for (const t of turns) {
        if (t.at < firstFinal.at) continue;
        const w = t.words[i];
        // A formatted end-of-turn message writes marks and casing on its words by design
        // (format_turns): only the spoken word, its times and its finality must hold.
        const sameText = rec.formatted ? normal(w?.text ?? '') === normal(firstFinal.words[i].text) : w?.text === firstFinal.words[i].text;
        if (!w || !sameText || w.start !== firstFinal.words[i].start || w.end !== firstFinal.words[i].end || !w.word_is_final) into.finalWordChanges++;
      }
    });
  }
  for (const u of rec.utterances) {
    const mine = finals.filter((f) => {
      const mid = (f.word.start + f.word.end) / 2;
      return mid >= u.startMs - 200 && mid <= u.endMs + 400;
    });
    const spokenEnd = rec.sentAt(u.endMs);
    if (mine.length > 0) {
      const last = mine.reduce((a, b) => (b.word.end > a.word.end ? b : a));
      into.speechEndToLastFinal.push(last.finalAt - spokenEnd);
      if (u.ending === 'endpointer') into.speechEndToEndOfTurn.push(last.turn.at - spokenEnd);
    }
    if (u.ending === 'force' && u.forceSentAt !== undefined) {
      const next = rec.turns.find((t) => t.end_of_turn && t.at >= u.forceSentAt!);
      if (next) into.forceToFinal.push(next.at - u.forceSentAt);
    }
    for (const [hyp, ref] of alignByText(mine.map((f) => f.word), u.words)) into.endError.push(hyp.end - ref.endMs);
  }
  return into;
}

/** Pairs of equal words in a longest common subsequence of the two word lists. */
export function alignByText(hyp: ReceivedWord[], ref: TimedWord[]): [ReceivedWord, TimedWord][] {
  const a = hyp.map((w) => normal(w.text));
  const b = ref.map((w) => normal(w.text));
  const n = a.length;
  const m = b.length;
  const dp = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const pairs: [ReceivedWord, TimedWord][] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) {
      pairs.push([hyp[i], ref[j]]);
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) i++;
    else j++;
  }
  return pairs;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
