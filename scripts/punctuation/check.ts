/**
 * A punctuation model on scripts/punctuation/check-turns.txt: conversational turns written for
 * Earshot's own model checks (a call to a contact centre or a voice agent, a few everyday
 * exchanges), not the golden set of scripts/eval/format/ and not training text. It scores a
 * candidate the way the gateway runs it (OnnxPunctuator), so a model of train.py's run folder
 * can be compared with the committed one before the golden set is run.
 *
 *     npx tsx scripts/punctuation/check.ts [model folder] [--misses]
 *
 * Prints F1 of `,` `.` `?`, case accuracy, turns exactly right, and the model time per turn with
 * 8 turns at once; --misses also prints each turn the model gets wrong, as it punctuates it.
 * The words and their labels are read as train.py reads its text: a mark is the strongest in the
 * gap after a word (`?`, then `. !`, then `, ; :`), a word's case is lower, Capitalised or UPPER.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_PUNCTUATION_MODEL_DIR, OnnxPunctuator, type WordCase } from '../../functions/streaming/punctuation/punctuator.ts';

interface Turn {
  words: string[];
  marks: string[];
  cases: WordCase[];
}

const WORD = /[A-Za-z0-9][A-Za-z0-9']*/g;

function markIn(gap: string): string {
  if (gap.includes('?')) return '?';
  if (/[.!]/.test(gap)) return '.';
  if (/[,;:]/.test(gap)) return ',';
  return '';
}

export function labelTurn(text: string): Turn {
  const turn: Turn = { words: [], marks: [], cases: [] };
  let end = 0;
  for (const m of text.matchAll(WORD)) {
    const word = m[0].replace(/'+$/, '');
    if (turn.words.length) turn.marks[turn.marks.length - 1] = markIn(text.slice(end, m.index));
    turn.words.push(word.toLowerCase());
    turn.marks.push('');
    turn.cases.push(word.length > 1 && word === word.toUpperCase() && /[A-Z]/.test(word) ? 'upper' : /^[A-Z]/.test(word) ? 'capital' : 'lower');
    end = m.index! + m[0].length;
  }
  if (turn.words.length) {
    const last = markIn(text.slice(end));
    turn.marks[turn.marks.length - 1] = last === '?' ? '?' : '.';
    turn.cases[0] = turn.cases[0] === 'lower' ? 'capital' : turn.cases[0]!;
  }
  return turn;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--')) ?? DEFAULT_PUNCTUATION_MODEL_DIR;
  const text = readFileSync(new URL('check-turns.txt', import.meta.url), 'utf8');
  const turns = text.split('\n').filter((line) => line.trim()).map(labelTurn);
  const punctuator = await OnnxPunctuator.load(dir);
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const add = (counts: Map<string, number>, mark: string) => counts.set(mark, (counts.get(mark) ?? 0) + 1);
  let caseOk = 0;
  let words = 0;
  let exact = 0;
  const misses: string[] = [];
  for (const turn of turns) {
    const out = await punctuator.punctuate(turn.words);
    let same = true;
    turn.words.forEach((_, i) => {
      const want = turn.marks[i]!;
      const got = out.marks[i]!;
      if (want === got) {
        if (want) add(tp, want);
      } else {
        same = false;
        if (got) add(fp, got);
        if (want) add(fn, want);
      }
      words++;
      if (out.cases[i] === turn.cases[i]) caseOk++;
      else same = false;
    });
    if (same) exact++;
    else misses.push(turn.words.map((w, i) => w + out.marks[i]).join(' '));
  }
  const f1 = (k: string) => {
    const a = tp.get(k) ?? 0;
    return ((2 * a) / Math.max(1, 2 * a + (fp.get(k) ?? 0) + (fn.get(k) ?? 0))).toFixed(3);
  };
  const times: number[] = [];
  for (let round = 0; round < 50; round++) {
    await Promise.all(
      Array.from({ length: 8 }, async (_, k) => {
        const start = performance.now();
        await punctuator.punctuate(turns[(round * 8 + k) % turns.length]!.words);
        times.push(performance.now() - start);
      }),
    );
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))]!.toFixed(2);
  console.log(`${dir}: ${turns.length} turns, ${words} words; F1 , ${f1(',')} . ${f1('.')} ? ${f1('?')}; ` +
    `case ${((100 * caseOk) / words).toFixed(1)} %; exactly right ${exact} / ${turns.length}; ` +
    `model time, 8 turns at once: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`);
  if (args.includes('--misses')) for (const miss of misses) console.log(`  ${miss}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
