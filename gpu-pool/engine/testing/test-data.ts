/**
 * The one place tests find audio. Committed, self-made speech (espeak-ng, see
 * scripts/testmodels/make_speech_fixtures.sh) is always there; real recordings are not part of
 * the repository: they live in EARSHOT_TESTDATA, else ../shared/testdata beside the checkout.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Committed synthetic speech: one sentence ("the quick brown fox ..."), 4.9 s, three encodings. */
export const SPEECH_FIXTURES = {
  wav16k: join(REPO_ROOT, 'gpu-pool/engine/testdata/speech/speech-16k.wav'),
  wav22k: join(REPO_ROOT, 'gpu-pool/engine/testdata/speech/speech-22k.wav'),
  flac16k: join(REPO_ROOT, 'gpu-pool/engine/testdata/speech/speech-16k.flac'),
} as const;

/** Real recordings: EARSHOT_TESTDATA, else ../shared/testdata beside the checkout. */
export const TESTDATA_DIR = process.env.EARSHOT_TESTDATA ?? join(REPO_ROOT, '..', 'shared', 'testdata');

const announced = new Set<string>();

/**
 * Whether the real recordings are there for `what` (a test file, or the part of one that needs
 * them). Without them it prints one line saying what is skipped and why, and returns false so
 * the caller skips. Under CI=true their absence throws instead: on the project's machines the
 * real-speech tests must never stop running silently.
 */
export function haveRealRecordings(what: string, options: { dir?: string; env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): boolean {
  const dir = options.dir ?? TESTDATA_DIR;
  const env = options.env ?? process.env;
  if (existsSync(join(dir, 'all_refs.tsv'))) return true;
  const why = `no real recordings at ${dir} (put ../shared beside the checkout or set EARSHOT_TESTDATA)`;
  if (env.CI === 'true' || env.CI === '1') throw new Error(`${what} needs the real recordings: ${why}; CI=true makes this an error`);
  const line = `skipped: ${what}: ${why}`;
  if (!announced.has(line)) {
    announced.add(line);
    (options.log ?? console.warn)(line);
  }
  return false;
}

/** Every committed speech file: the held-out synthetic sentences (8 kHz) and SPEECH_FIXTURES. */
export function committedSpeechFiles(): string[] {
  const heldout = join(REPO_ROOT, 'scripts/eval/fixtures/heldout');
  const wavs = readdirSync(heldout).filter((f) => f.endsWith('.wav')).sort().map((f) => join(heldout, f));
  return [...wavs, SPEECH_FIXTURES.wav16k, SPEECH_FIXTURES.wav22k];
}
