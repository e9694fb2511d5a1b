/**
 * The example client against the real embedded stack: the committed FLAC and 22.05 kHz WAV
 * (decoded, resampled to 16 kHz), streamed faster than real time, turns printed, exit 0 after
 * Termination; and the README's demo command's file.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../functions/streaming/testing/harness.ts';
import { SPEECH_FIXTURES } from '../gpu-pool/engine/testing/test-data.ts';

const CLIENT = fileURLToPath(new URL('./example-client.ts', import.meta.url));
/** The file of the README's demo command (`npm run example -- --audio-file ...`): committed, so it works in any clone. */
const README_DEMO_FILE = fileURLToPath(new URL('./eval/fixtures/heldout/heldout-0009.wav', import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, '--audio-file', file, '--endpoint', server.url, '--speed', '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

it("the README's demo command streams a committed file, so it works without ../shared", () => {
  expect(readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8')).toContain('npm run example -- --audio-file scripts/eval/fixtures/heldout/heldout-0009.wav');
});

it('streams WAV and FLAC files and prints the session from Begin to Termination', async () => {
  for (const [file, seconds] of [
    [SPEECH_FIXTURES.flac16k, 5],
    [SPEECH_FIXTURES.wav22k, 5],
    [README_DEMO_FILE, 4],
  ] as const) {
    const { code, stdout, stderr } = await run(file);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Session began: id=[0-9a-f-]{36}/m);
    expect(stdout).toMatch(new RegExp(`^Session terminated: ${seconds} s of audio`, 'm'));
  }
});

it('a file it cannot read ends it with one line naming the file and exit code 2, before it connects', async () => {
  const notAudio = fileURLToPath(new URL('../README.md', import.meta.url));
  const { code, stdout, stderr } = await run(notAudio);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toBe(`${notAudio}: not a WAV, FLAC or Ogg Vorbis file\n`);
});
