/**
 * The official `assemblyai` npm SDK (4.41.x), unmodified, against Earshot's TLS listener
 * (websocketBaseUrl wss://localhost:PORT/v3/ws, a certificate made here with openssl and trusted
 * through NODE_EXTRA_CA_CERTS): Begin, Turns with words, a clean close.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, TESTDATA, type TestServer } from './testing/harness.ts';

const FILE = `${TESTDATA}/ljspeech-coqui-tts/LJ001-0001.wav`;
const CLIENT = fileURLToPath(new URL('./testing/sdk-client.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'earshot-tls-'));
let server: TestServer;

beforeAll(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  server = await startTestServer({ TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem'), TLS_PORT: '0' });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function runSdk(url: string): Promise<{ code: number | null; events: Array<{ event: string; data?: any }>; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, url, FILE], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, events: stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)), stderr }));
  });
}

it('the unmodified assemblyai SDK streams a file over wss:// and closes cleanly', async () => {
  const { code, events, stderr } = await runSdk(`wss://localhost:${server.tlsPort}/v3/ws`);
  expect(stderr).not.toMatch(/Error/);
  expect(code).toBe(0);
  expect(events[0]).toMatchObject({ event: 'begin', data: { type: 'Begin', id: expect.any(String), expires_at: expect.any(Number) } });
  const turns = events.filter((e) => e.event === 'turn').map((e) => e.data);
  expect(turns.length).toBeGreaterThan(0);
  const finals = turns.filter((turn) => turn.end_of_turn);
  expect(finals.length).toBeGreaterThan(0);
  const words = finals.flatMap((turn) => turn.words.map((word: { text: string }) => word.text));
  // Word accuracy is the model's business (scripts/eval); here: words arrive through the SDK intact.
  expect(words.length).toBeGreaterThanOrEqual(1);
  expect(words.every((word) => typeof word === 'string' && word.length > 0)).toBe(true);
  expect(finals.every((turn) => turn.turn_is_formatted && /[.?!]$/.test(turn.transcript))).toBe(true);
  expect(events.filter((e) => e.event === 'error')).toEqual([]);
  expect(events.at(-1)).toEqual({ event: 'closed' });
}, 60_000);
