/**
 * Earshot's most common clients are Python: the official `assemblyai` SDK (StreamingClient with
 * api_host="ws://...") and scripts written like AssemblyAI's self-hosted example (websockets sync
 * client). Both, unmodified and at their latest versions (a venv under .tmp/), against a real
 * Earshot on loopback, streaming committed speech: Begin, SpeechStarted, Turns with words,
 * Termination, close 1000. The SDK also sends what a hand-written client rarely does: booleans
 * as `True`, lists as JSON.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEECH_FIXTURES } from '../../gpu-pool/engine/testing/test-data.ts';
import { corpusWer } from '../../scripts/eval/wer.ts';
import { pythonClients } from './testing/python-venv.ts';
import { normalise, startTestServer, type TestServer } from './testing/harness.ts';

const SDK_CLIENT = fileURLToPath(new URL('./testing/python/sdk_client.py', import.meta.url));
const SEED_CLIENT = fileURLToPath(new URL('./testing/python/seed_style_client.py', import.meta.url));
/** What the committed fixture (SPEECH_FIXTURES) says. */
const SPOKEN = 'the quick brown fox jumps over the lazy dog';

const clients = pythonClients();
if (clients) console.log(`Python clients: assemblyai ${clients.versions.assemblyai}, websockets ${clients.versions.websockets}`);

function run(script: string, args: string[]): Promise<{ code: number | null; lines: Array<Record<string, any>>; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(clients!.python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, lines: stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)), stderr }));
  });
}

/**
 * The spoken sentence, recognisably: the test engine decodes greedily, and the default model
 * (sixteenth version) hears 'the quick brwn fax dump so over the lzy dog' there (5 of 9 words
 * off; the served beam search gets 2 wrong). Garbled or missing audio reads far worse.
 */
function expectSpokenWords(words: string[]) {
  const { wer } = corpusWer([{ ref: SPOKEN, hyp: normalise(words.join(' ')).join(' ') }]);
  expect(wer).toBeLessThanOrEqual(0.6);
}

describe.skipIf(!clients)('Python clients against Earshot', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it('the official assemblyai SDK (StreamingClient, api_host ws://) streams a file and closes cleanly', async () => {
    const { code, lines, stderr } = await run(SDK_CLIENT, [server.url, SPEECH_FIXTURES.wav16k]);
    expect(stderr).not.toMatch(/Error|Traceback/);
    expect(code).toBe(0);
    expect(lines.filter((l) => l.event === 'error')).toEqual([]);
    // The test engine decodes greedily, which cannot use the script's keyterms_prompt: the one Warning says so.
    expect(lines.filter((l) => l.event === 'warning').map((l) => l.data)).toEqual([expect.objectContaining({ warning_code: 3104, warning: expect.stringMatching(/^keyterms_prompt has no effect/) })]);
    expect(lines[0]).toMatchObject({ event: 'begin', data: { type: 'Begin', id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(lines.some((l) => l.event === 'speech_started')).toBe(true);
    const turns = lines.filter((l) => l.event === 'turn').map((l) => l.data);
    const finals = turns.filter((turn) => turn.end_of_turn);
    expect(finals.length).toBeGreaterThan(0);
    // format_turns=True (capitalised, as the SDK sends it) was understood.
    expect(turns.every((turn) => turn.turn_is_formatted)).toBe(true);
    expect(finals.every((turn) => /[.?!]$/.test(turn.transcript))).toBe(true);
    expectSpokenWords(finals.flatMap((turn) => turn.words.map((word: { text: string }) => word.text)));
    expect(lines.at(-2)).toMatchObject({ event: 'termination', data: { type: 'Termination', audio_duration_seconds: 5 } });
    expect(lines.at(-1)).toEqual({ event: 'closed', data: null });
  }, 60_000);

  it('a script written like the self-hosted example (websockets sync client, 100 ms chunks) gets Begin, Turns, Termination, close 1000', async () => {
    const { code, lines, stderr } = await run(SEED_CLIENT, [server.url, SPEECH_FIXTURES.wav16k, '4']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({ type: 'Begin', id: expect.any(String), expires_at: expect.any(Number) });
    expect(lines.filter((l) => l.type === 'Error')).toEqual([]);
    expect(lines.some((l) => l.type === 'SpeechStarted')).toBe(true);
    const finals = lines.filter((l) => l.type === 'Turn' && l.end_of_turn);
    expect(finals.length).toBeGreaterThan(0);
    expect(finals.every((turn) => turn.turn_is_formatted)).toBe(true);
    expectSpokenWords(finals.flatMap((turn) => turn.words.map((word: { text: string }) => word.text)));
    expect(lines.at(-2)).toMatchObject({ type: 'Termination', audio_duration_seconds: 5 });
    expect(lines.at(-1)).toEqual({ closed: 1000 });
  }, 60_000);
});
