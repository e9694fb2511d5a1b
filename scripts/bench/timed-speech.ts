/**
 * Synthetic speech whose word boundaries are known: espeak-ng speaks each sentence and reports,
 * from its own word and phoneme events, where every word begins and ends (espeak-words.py).
 * Results are cached under .tmp/timed-speech/ (one WAV and one line of JSON per sentence).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAudio } from '../../gpu-pool/engine/audio/audio-file.ts';
import { resampleAll } from '../../gpu-pool/engine/audio/resampler.ts';

export interface TimedWord {
  text: string;
  startMs: number;
  endMs: number;
}

export interface TimedUtterance {
  name: string;
  text: string;
  /** Mono float samples at `sampleRate`. */
  samples: Float32Array;
  sampleRate: number;
  words: TimedWord[];
}

/** Plain sentences written for this benchmark (not from any training text). */
export const SENTENCES = [
  'please send the report before friday',
  'the museum opens at nine in the morning',
  'we need two more chairs for the meeting room',
  'my phone battery died on the train home',
  'can you call me back after lunch',
  'the weather will be cold and windy tomorrow',
  'she bought fresh bread and a bottle of milk',
  'turn left at the next corner and park near the bank',
  'our flight was delayed by almost three hours',
  'the children played in the garden all afternoon',
  'i would like to book a table for four people',
  'he forgot his keys on the kitchen table',
  'the new library has a quiet reading room',
  'please check the numbers in the last column',
  'they walked along the river until sunset',
  'the doctor will see you in ten minutes',
  'we moved to a small house near the sea',
  'could you speak a little more slowly please',
  'the price of coffee went up again this year',
  'remember to water the plants while i am away',
  'the meeting starts at half past two',
  'a strong wind knocked down the old tree',
  'i left my umbrella in the taxi',
  'the train to the city leaves every hour',
];

export const VOICES = ['en-us', 'en-us+f3', 'en+m3', 'en+f2'];

const CACHE = join(import.meta.dirname, '..', '..', '.tmp', 'timed-speech');
const HELPER = join(import.meta.dirname, 'espeak-words.py');

/** Every sentence in every voice (sentence-major), resampled to `rate`; espeak-ng runs once per missing file. */
export async function timedUtterances(rate: number): Promise<TimedUtterance[]> {
  const jobs = SENTENCES.flatMap((text, i) => VOICES.map((voice, v) => ({ name: `s${String(i).padStart(2, '0')}-v${v}`, voice, text })));
  const index = join(CACHE, 'index.jsonl');
  const known = new Map<string, { sampleRate: number; words: TimedWord[] }>();
  if (existsSync(index)) for (const line of readFileSync(index, 'utf8').split('\n')) if (line.trim()) {
    const row = JSON.parse(line);
    known.set(row.name, row);
  }
  const missing = jobs.filter((j) => !known.has(j.name) || !existsSync(join(CACHE, `${j.name}.wav`)));
  if (missing.length > 0) {
    mkdirSync(CACHE, { recursive: true });
    const run = spawnSync('python3', [HELPER, CACHE], { input: missing.map((j) => JSON.stringify(j)).join('\n'), encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`espeak-words.py failed (is espeak-ng installed? apt-get install espeak-ng): ${run.stderr || run.error?.message}`);
    for (const line of run.stdout.split('\n')) if (line.trim()) {
      const row = JSON.parse(line);
      known.set(row.name, row);
    }
    writeFileSync(index, [...known.values()].map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
  const out: TimedUtterance[] = [];
  for (const job of jobs) {
    const audio = await readAudio(join(CACHE, `${job.name}.wav`));
    out.push({ name: job.name, text: job.text, samples: resampleAll(audio.samples, audio.sampleRate, rate), sampleRate: rate, words: known.get(job.name)!.words });
  }
  return out;
}
