// Evaluation sets for models/earshot-en.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TESTDATA_DIR } from '../../gpu-pool/engine/testing/test-data.ts';

export interface Utterance {
  id: string;
  path: string;
  ref: string;
}

const REPO = join(import.meta.dirname, '..', '..');
export const FIXTURE_DIR = join(import.meta.dirname, 'fixtures', 'heldout');
/** The real recordings: the tests' one locator (EARSHOT_TESTDATA, else ../shared/testdata). */
export { TESTDATA_DIR };
/** Real speech for training and tuning (EARSHOT_REALSPEECH, as scripts/model/realspeech.py reads it). */
export const REALSPEECH_DIR = process.env.EARSHOT_REALSPEECH ?? join(REPO, '..', 'shared', 'realspeech');

function readTsv(path: string, pathCol: string, refCol: string): Utterance[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
  const head = lines[0].split('\t');
  const p = head.indexOf(pathCol);
  const r = head.indexOf(refCol);
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    return { id: f[p], path: join(dirname(path), f[p]), ref: f[r] };
  });
}

/** Committed held-out synthetic fixtures: unseen sentences spoken by unseen voice variants. */
export function heldoutFixtures(): Utterance[] {
  return readTsv(join(FIXTURE_DIR, 'refs.tsv'), 'path', 'text');
}

/** The full held-out synthetic test set, present only where the corpus was synthesised. */
export function heldoutCorpus(): Utterance[] | null {
  return corpusSplit('test');
}

/** The dev set (other held-out sentences, same held-out voices): for tuning decoding weights. */
export function devCorpus(): Utterance[] | null {
  return corpusSplit('dev');
}

function corpusSplit(split: 'test' | 'dev'): Utterance[] | null {
  const manifest = join(REPO, 'work-data', 'corpus', `manifest-${split}.jsonl`);
  if (!existsSync(manifest)) return null;
  return readFileSync(manifest, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .map((r) => ({ id: String(r.idx), path: join(REPO, 'work-data', r.path), ref: r.norm }));
}

/**
 * bench:latency's synthetic speech (scripts/bench/timed-speech.ts: 24 sentences written for it,
 * 4 espeak-ng voices), present once the bench has generated it under .tmp/timed-speech/.
 */
export function timedSpeech(): Utterance[] | null {
  const index = join(REPO, '.tmp', 'timed-speech', 'index.jsonl');
  if (!existsSync(index)) return null;
  return readFileSync(index, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { name: string; words: { text: string }[] })
    .map((r) => ({ id: r.name, path: join(REPO, '.tmp', 'timed-speech', `${r.name}.wav`), ref: r.words.map((w) => w.text).join(' ') }));
}

/** Real recordings (evaluation only, never trained on). */
export function realRecordings(): Utterance[] | null {
  const tsv = join(TESTDATA_DIR, 'all_refs.tsv');
  if (!existsSync(tsv)) return null;
  return readTsv(tsv, 'path', 'reference');
}

/** Real speakers held out from training by speaker (../shared/realspeech/dev.tsv): for choosing models and decoding settings. */
export function realspeechDev(): Utterance[] | null {
  const tsv = join(REALSPEECH_DIR, 'dev.tsv');
  if (!existsSync(tsv)) return null;
  return readTsv(tsv, 'path', 'transcript');
}
