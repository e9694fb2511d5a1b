/**
 * The example client against the real embedded stack: a FLAC and a 22.05 kHz WAV from
 * ../shared/testdata (decoded, resampled to 16 kHz), streamed faster than real time, turns
 * printed, exit 0 after Termination.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, TESTDATA, type TestServer } from '../functions/streaming/testing/harness.ts';

const CLIENT = fileURLToPath(new URL('./example-client.ts', import.meta.url));
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

it('streams WAV and FLAC files and prints the session from Begin to Termination', async () => {
  for (const [file, seconds] of [
    [`${TESTDATA}/librispeech-misc/2412-153948-0000.flac`, 12],
    [`${TESTDATA}/ljspeech-coqui-tts/LJ001-0002.wav`, 2],
  ] as const) {
    const { code, stdout, stderr } = await run(file);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Session began: id=[0-9a-f-]{36}/m);
    expect(stdout).toMatch(new RegExp(`^Session terminated: ${seconds} s of audio`, 'm'));
  }
});
