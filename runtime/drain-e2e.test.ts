/**
 * Drain on SIGTERM, with real OS processes: one gateway (`runtime/main.ts --role gateway`) in front
 * of two ASR workers (`runtime/roles/asr-worker.ts`, the containers' entry points), wired by
 * ASR_ROUTES over loopback, sessions in memory, no licence (evaluation mode).
 *
 * 1. A worker is SIGTERMed under a live real-time session, with a grace shorter than the session:
 *    the session outlives the grace, the gateway moves it to the other worker (asr-link.ts),
 *    sessions opened during the drain go to the other worker, and no client sees an Error; every
 *    transcript equals the undisturbed one; the worker exits 0.
 * 2. The gateway is SIGTERMed under a live real-time session: health is 503 at once, a newcomer is
 *    refused with Error + close 1013, the live session runs to its end (every word, Termination,
 *    close 1000) and the gateway exits 0 as soon as it has, well inside its grace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalise, streamAudio, TestClient, type Message } from '../functions/streaming/testing/harness.ts';
import { readAudioFile } from '../gpu-pool/engine/testing/audio-files.ts';
import { freePort } from '../gpu-pool/grpc/testing/free-port.ts';
import { TEST_MODEL_DIR, TEST_WAV } from '../gpu-pool/grpc/testing/test-engine.ts';
import { readyLine } from './testing/ready-line.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Shorter than the session (TEST_WAV is 4.9 s), so the worker drain ends with a live session. */
const WORKER_GRACE_MS = 1_000;
/** Longer than the session, so the gateway's live session may finish by itself. */
const GATEWAY_GRACE_MS = 20_000;

interface Proc {
  child: ChildProcess;
  output: { text: string };
  exited: Promise<number | null>;
}

const procs: Proc[] = [];

async function start(args: string[], env: Record<string, string>, ready: RegExp, name: string): Promise<Proc & { line: string }> {
  // Test runners may set LOG_LEVEL=warn; the test reads info lines.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', LOGGING_LEVEL: 'info', USE_STRUCTURED_LOGGING: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { text: '' };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc = { child, output, exited };
  procs.push(proc);
  const line = await readyLine(child, name, ready, 60_000, output);
  return { ...proc, line };
}

async function activeStreams(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return Number(/^earshot_asr_active_streams(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const finalWords = (messages: Message[]) => messages.filter((m) => m.type === 'Turn' && m.end_of_turn).flatMap((m) => normalise(String(m.transcript)));

describe('drain on SIGTERM (gateway and ASR workers as processes)', () => {
  const workers: Array<Proc & { metricsPort: number }> = [];
  let gateway: Proc;
  let url = '';
  let health = '';
  let audio: { samples: Int16Array; sampleRate: number };
  let expected: string[] = [];

  const open = () => new TestClient(`${url}?sample_rate=${audio.sampleRate}`, { Authorization: 'drain-test' });
  /** Streams the whole file at `speed`, Terminates, and waits for the close. */
  async function run(client: TestClient, speed: number) {
    await client.type('Begin');
    await streamAudio(client, audio.samples, audio.sampleRate, 100, speed);
    client.send({ type: 'Terminate' });
    return client.closed;
  }

  beforeAll(async () => {
    audio = await readAudioFile(TEST_WAV);
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const started = await Promise.all(
      [0, 1].map((index) =>
        start(
          ['runtime/roles/asr-worker.ts'],
          { SERVER_HOST: '127.0.0.1', SERVER_PORT: String(ports[index]), METRICS_PORT: String(ports[index + 2]), MODEL_DIR: TEST_MODEL_DIR, MODEL_VERSION: 'en-default', ASR_WORKERS: '1', ASR_THREADS: '1', MAX_OPEN_STREAMS: '4', ASR_DECODING: 'greedy_search', DRAIN_GRACE_MS: String(WORKER_GRACE_MS) },
          /Ready to serve!/,
          `asr-worker-${index}`,
        ),
      ),
    );
    workers.push(...started.map((worker, index) => ({ ...worker, metricsPort: ports[index + 2] })));
    const routes = `en-default,default=127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}`;
    const gw = await start(
      ['runtime/main.ts', '--role', 'gateway'],
      { HOST: '127.0.0.1', PORT: '0', ASR_ROUTES: routes, DRAIN_GRACE_MS: String(GATEWAY_GRACE_MS), PUNCTUATION_MODEL: 'off', CLIENT_AUDIO_BURST_SECONDS: '0', REDIS_URL: '', LICENSE_FILE_PATH: '' },
      /listening on ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/,
      'gateway',
    );
    gateway = gw;
    url = /ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/.exec(gw.line)![0];
    health = `${url.replace('ws:', 'http:')}/health`;
    await until('gateway health 200', async () => ((await fetch(health)).status === 200 ? true : undefined));
    // The undisturbed transcript (the engine is deterministic, whatever the pacing).
    const reference = open();
    expect((await run(reference, 4)).code).toBe(1000);
    expected = finalWords(reference.messages);
    expect(expected.length).toBeGreaterThan(3);
  }, 90_000);

  afterAll(() => {
    for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  });

  it('a worker SIGTERMed under a live session: the session moves when the grace ends, new ones go to the other worker, no Error, complete transcripts, exit 0', async () => {
    const live = open();
    const streaming = run(live, 1);
    const [busy, spare] = await until('the session on a worker', async () => {
      const counts = await Promise.all(workers.map((worker) => activeStreams(worker.metricsPort)));
      const index = counts.indexOf(1);
      return index < 0 ? undefined : [workers[index], workers[1 - index]];
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    busy.child.kill('SIGTERM');
    await until('the worker draining', async () => (busy.output.text.includes('draining: refusing new sessions') ? true : undefined), 5_000);

    // Two, so that the pool's round robin offers one of them to the draining worker first. Real
    // time, so that one the draining worker took would outlive its grace and be moved too.
    const newcomers = [open(), open()];
    const closes = await Promise.all([streaming, ...newcomers.map((client) => run(client, 1))]);
    expect(closes.map((close) => close.code)).toEqual([1000, 1000, 1000]);
    for (const client of [live, ...newcomers]) {
      expect(client.ofType('Error')).toEqual([]);
      expect(finalWords(client.messages)).toEqual(expected);
    }
    // The live session outlived the grace and was moved, not ended with the worker; the newcomers
    // were refused by the draining worker and opened on the other one, so nothing else moved.
    expect(busy.output.text).toContain('grace period over: ending the remaining sessions');
    expect(gateway.output.text.match(/session reopened on another worker/g)).toHaveLength(1);
    expect(await busy.exited).toBe(0);
    expect(await activeStreams(spare.metricsPort)).toBe(0);
  }, 30_000);

  it('the gateway SIGTERMed under a live session: health 503 at once, a newcomer gets 1013, the live session ends normally with every word, exit 0', async () => {
    const live = open();
    await live.type('Begin');
    const streaming = streamAudio(live, audio.samples, audio.sampleRate, 100, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const signalled = performance.now();
    gateway.child.kill('SIGTERM');
    await until('health 503', async () => ((await fetch(health)).status === 503 ? true : undefined), 2_000);
    expect(await (await fetch(health)).json()).toMatchObject({ status: 'draining', active_sessions: 1 });

    const newcomer = new TestClient(`${url}?sample_rate=${audio.sampleRate}`, { Authorization: 'drain-test' });
    expect(await newcomer.type('Error')).toMatchObject({ error_code: 1013, error: expect.stringMatching(/^Server shutting down/) });
    expect((await newcomer.closed).code).toBe(1013);
    expect(newcomer.ofType('Begin')).toEqual([]);

    await streaming;
    live.send({ type: 'Terminate' });
    await live.type('Termination');
    expect((await live.closed).code).toBe(1000);
    expect(live.ofType('Warning')).toMatchObject([{ warning_code: 3103 }]);
    expect(live.ofType('Error')).toEqual([]);
    expect(finalWords(live.messages)).toEqual(expected);
    expect(await gateway.exited).toBe(0);
    // It exited when its last session ended, not at the end of the grace.
    expect(performance.now() - signalled).toBeLessThan(GATEWAY_GRACE_MS / 2);
  }, 30_000);
});
