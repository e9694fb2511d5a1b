/**
 * npm run eval:format — how well format_turns=true writes a final turn, on the committed golden
 * sets in scripts/eval/format/:
 *   itn.tsv          exact match of inverse text normalisation per class (cardinals, money, ...)
 *   punctuation.txt  punctuation F1 per mark (, . ?) and case accuracy per word of the served
 *                    punctuation model (PUNCTUATION_MODEL, default models/earshot-punct-en)
 *                    through the same formatter the gateway runs, and the share of turns exact
 * and the time the model takes per turn, alone and with 8 turns at once. Prints and exits; with
 * --check, exits 1 when a goal of FORMAT_GOALS is missed (format-eval.test.ts holds the served
 * model to them in CI).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { formatWords } from '../../functions/streaming/formatter.ts';
import { inverseNormalize } from '../../functions/streaming/itn/normalize.ts';
import { DEFAULT_PUNCTUATION_MODEL_DIR, OnnxPunctuator, type Punctuator } from '../../functions/streaming/punctuation/punctuator.ts';
import type { WordMessage } from '../../functions/streaming/server-messages.ts';

const GOLDEN = new URL('./format/', import.meta.url);
/** Issue 28's goals on the golden sets: exact share per ITN class, F1 per mark, share of words cased right. */
export const FORMAT_GOALS = { itnExact: 0.95, markF1: 0.75, caseAccuracy: 0.95 } as const;
const MARKS = [',', '.', '?'] as const;

export function dataLines(name: string): string[] {
  return readFileSync(new URL(name, GOLDEN), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
}

export function itnAccuracy(rows: ReadonlyArray<[string, string, string]>): Map<string, { exact: number; total: number; misses: string[] }> {
  const byClass = new Map<string, { exact: number; total: number; misses: string[] }>();
  for (const [kind, spoken, written] of rows) {
    const entry = byClass.get(kind) ?? { exact: 0, total: 0, misses: [] };
    const got = inverseNormalize(spoken);
    entry.total += 1;
    if (got === written) entry.exact += 1;
    else entry.misses.push(`${spoken} -> ${got} (want ${written})`);
    byClass.set(kind, entry);
  }
  return byClass;
}

/** A written word's mark (the one punctuation the formatter writes after it) and case. */
function shape(token: string): { mark: string; wordCase: string; core: string } {
  const match = /^(.*?)([,.?!;:]*)$/.exec(token)!;
  const core = match[1]!;
  const raw = match[2]!.slice(-1);
  const mark = raw === '!' ? '.' : raw === ';' || raw === ':' ? ',' : raw;
  const letters = core.replace(/[^A-Za-z]/g, '');
  const wordCase = letters.length > 1 && letters === letters.toUpperCase() ? 'upper' : /^[A-Z]/.test(core) ? 'capital' : 'lower';
  return { mark, wordCase, core };
}

export function spokenForm(line: string): string[] {
  return line.split(/\s+/).filter(Boolean).map((token) => shape(token).core.toLowerCase()).filter(Boolean);
}

export interface PunctuationScores {
  f1: Record<string, number>;
  caseAccuracy: number;
  exactTurns: number;
  turns: number;
  examples: string[];
}

export async function punctuationScores(lines: readonly string[], punctuator: Punctuator): Promise<PunctuationScores> {
  const tp: Record<string, number> = {};
  const fp: Record<string, number> = {};
  const fn: Record<string, number> = {};
  for (const mark of MARKS) tp[mark] = fp[mark] = fn[mark] = 0;
  let caseOk = 0;
  let words = 0;
  let exactTurns = 0;
  const examples: string[] = [];
  for (const line of lines) {
    const reference = line.split(/\s+/).filter(Boolean).map(shape);
    const spoken = spokenForm(line);
    const asWords: WordMessage[] = spoken.map((text, index) => ({ text, start: index * 300, end: index * 300 + 250, confidence: 1, word_is_final: true }));
    const formatted = formatWords(asWords, true, await punctuator.punctuate(spoken)).map((word) => word.text);
    const hypothesis = formatted.map(shape);
    for (let index = 0; index < reference.length; index++) {
      const want = reference[index]!;
      const got = hypothesis[index]!;
      if (want.wordCase === got.wordCase) caseOk += 1;
      words += 1;
      for (const mark of MARKS) {
        if (got.mark === mark && want.mark === mark) tp[mark]! += 1;
        else if (got.mark === mark) fp[mark]! += 1;
        else if (want.mark === mark) fn[mark]! += 1;
      }
    }
    const text = formatted.join(' ');
    if (text === line.replace(/!/g, '.').replace(/[;:]/g, ',')) exactTurns += 1;
    else if (examples.length < 8) examples.push(`${text}  (want: ${line})`);
  }
  const f1: Record<string, number> = {};
  for (const mark of MARKS) {
    const precision = tp[mark]! / Math.max(1, tp[mark]! + fp[mark]!);
    const recall = tp[mark]! / Math.max(1, tp[mark]! + fn[mark]!);
    f1[mark] = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  return { f1, caseAccuracy: caseOk / Math.max(1, words), exactTurns, turns: lines.length, examples };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Milliseconds per turn of the model alone, `concurrent` turns in flight at once. */
async function modelLatency(punctuator: Punctuator, turns: string[][], concurrent: number, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      Array.from({ length: concurrent }, async (_, k) => {
        const words = turns[(round * concurrent + k) % turns.length]!;
        const start = performance.now();
        await punctuator.punctuate(words);
        times.push(performance.now() - start);
      }),
    );
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const dir = process.env.PUNCTUATION_MODEL ?? DEFAULT_PUNCTUATION_MODEL_DIR;
  let failed = false;

  const rows = dataLines('itn.tsv').map((line) => line.split('\t') as [string, string, string]);
  console.log(`ITN (${rows.length} sentences, scripts/eval/format/itn.tsv): exact match per class`);
  for (const [kind, { exact, total, misses }] of itnAccuracy(rows)) {
    const share = exact / total;
    if (share < FORMAT_GOALS.itnExact) failed = true;
    console.log(`  ${kind.padEnd(11)} ${(share * 100).toFixed(1).padStart(5)} %  (${exact}/${total})`);
    for (const miss of misses) console.log(`      ${miss}`);
  }

  const lines = dataLines('punctuation.txt');
  const punctuator = await OnnxPunctuator.load(dir);
  const scores = await punctuationScores(lines, punctuator);
  console.log(`\npunctuation and case (${lines.length} turns, scripts/eval/format/punctuation.txt; model ${dir})`);
  for (const mark of MARKS) {
    console.log(`  F1 '${mark}'   ${scores.f1[mark]!.toFixed(3)}`);
    if (scores.f1[mark]! < FORMAT_GOALS.markF1) failed = true;
  }
  console.log(`  case accuracy ${(scores.caseAccuracy * 100).toFixed(1)} % of words`);
  console.log(`  turns exact   ${scores.exactTurns}/${scores.turns}`);
  for (const example of scores.examples) console.log(`      ${example}`);
  if (scores.caseAccuracy < FORMAT_GOALS.caseAccuracy) failed = true;

  const turns = lines.map(spokenForm);
  await modelLatency(punctuator, turns, 1, 20);
  for (const concurrent of [1, 8]) {
    const times = await modelLatency(punctuator, turns, concurrent, Math.ceil(400 / concurrent));
    console.log(`\nmodel time per turn, ${concurrent} at once: p50 ${percentile(times, 0.5).toFixed(2)} ms, p95 ${percentile(times, 0.95).toFixed(2)} ms, p99 ${percentile(times, 0.99).toFixed(2)} ms (${times.length} turns)`);
  }
  if (check && failed) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
