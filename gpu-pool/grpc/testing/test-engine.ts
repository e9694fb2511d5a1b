/**
 * The engine the loopback tests run on: the real engine (gpu-pool/engine) on the project's model
 * (models/earshot-en) when it is there, else on the engine's random-weight fixture, which still
 * exercises features, batching, decoding and endpointing end to end. EARSHOT_TEST_MODEL_DIR
 * overrides both. One inference worker with one thread: the test machines have two cores.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, type AsrEngine } from '../../engine/index.ts';
import { SPEECH_FIXTURES } from '../../engine/testing/test-data.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PROJECT_MODEL_DIR = join(REPO_ROOT, 'models/earshot-en');
const FIXTURE_MODEL_DIR = join(REPO_ROOT, 'gpu-pool/engine/testdata/tone-ctc-random');

export const TEST_MODEL_DIR =
  process.env.EARSHOT_TEST_MODEL_DIR ?? (existsSync(join(PROJECT_MODEL_DIR, 'tokens.txt')) ? PROJECT_MODEL_DIR : FIXTURE_MODEL_DIR);

/** A short utterance (4.9 s, 16 kHz, committed synthetic speech), so loopback tests need no ../shared. */
export const TEST_WAV = process.env.EARSHOT_TEST_WAV ?? SPEECH_FIXTURES.wav16k;

export function createTestEngine(): Promise<AsrEngine> {
  return createEngine({ modelDir: TEST_MODEL_DIR, workers: 1, threadsPerWorker: 1 });
}
