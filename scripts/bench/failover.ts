/**
 * npm run bench:failover — what moving a session to another worker costs the client in time.
 * One gateway and two ASR workers as separate processes (`runtime/main.ts --role ...`), on
 * loopback. Each run: N real-time sessions of one real recording (../shared/testdata, else a
 * committed fixture) undisturbed, then the same N again with the worker holding most of them
 * stopped part-way through (SIGKILL, or SIGTERM with a short worker grace: a drain whose sessions
 * outlive it). Per final word: time-to-final (the first Turn that has it word_is_final − the moment
 * the frame holding its end was sent); the added delay is the disturbed run's minus the undisturbed
 * run's for the same word, over the words that end after the stop. Also the longest gap between
 * Turn messages, the gateway's reopen times, Errors and whether the final words are the same.
 *
 *   npm run bench:failover -- --sessions 4 --runs 3 --signal SIGKILL --at 0.4
 *   npm run bench:failover -- --signal SIGTERM --worker-grace-ms 1000
 *
 * Every process inherits the caller's CPU affinity (taskset). JSON in .tmp/bench-failover/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { streamAudio, TestClient, type Message } from '../../functions/streaming/testing/harness.ts';
import { readAudioFile, testdataFiles } from '../../gpu-pool/engine/testing/audio-files.ts';
import { committedSpeechFiles, TESTDATA_DIR } from '../../gpu-pool/engine/testing/test-data.ts';
import { freePort } from '../../gpu-pool/grpc/testing/free-port.ts';
import { readyLine } from '../../runtime/testing/ready-line.ts';
import { percentile as rawPercentile } from './latency-metrics.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    signal: { type: 'string', default: 'SIGKILL' },
    at: { type: 'string', default: '0.4' },
    'worker-grace-ms': { type: 'string', default: '1000' },
    out: { type: 'string', default: join(ROOT, '.tmp/bench-failover') },
  },
});
const SESSIONS = Number(args.sessions);
const SIGNAL = args.signal as NodeJS.Signals;
const FRAME_MS = 100;
const percentile = (values: number[], p: number) => Math.round(rawPercentile(values, p));

interface Proc {
  child: ChildProcess;
  output: { text: string };
  exited: Promise<number | null>;
}

async function start(args: string[], env: Record<string, string>, ready: RegExp, name: string): Promise<Proc & { line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', LOGGING_LEVEL: 'info', USE_STRUCTURED_LOGGING: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { text: '' };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await readyLine(child, name, ready, 120_000, output);
  return { child, output, exited, line };
}

async function activeStreams(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return Number(/^earshot_asr_active_streams(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Per final word (turn_order:index, its text): when it first arrived final, and its audio end. */
interface Finals {
  words: Map<string, { text: string; endMs: number; at: number }>;
  turnTimes: number[];
  errors: unknown[];
  close: number;
  streamStart: number;
}

async function session(url: string, samples: Int16Array, sampleRate: number, speed = 1): Promise<Finals> {
  const client = new TestClient(`${url}?sample_rate=${sampleRate}`, { Authorization: 'bench' });
  const finals: Finals = { words: new Map(), turnTimes: [], errors: [], close: 0, streamStart: 0 };
  client.socket.on('message', (data) => {
    const at = performance.now();
    const message = JSON.parse(data.toString()) as Message & { words?: Array<{ text: string; end: number; word_is_final: boolean }> };
    if (message.type === 'Error') finals.errors.push(message);
    if (message.type !== 'Turn') return;
    finals.turnTimes.push(at);
    message.words!.forEach((word, index) => {
      const key = `${String(message.turn_order)}:${index}`;
      if (word.word_is_final && !finals.words.has(key)) finals.words.set(key, { text: word.text, endMs: word.end, at });
    });
  });
  await client.type('Begin', 30_000);
  finals.streamStart = performance.now();
  await streamAudio(client, samples, sampleRate, FRAME_MS, speed);
  client.send({ type: 'Terminate' });
  finals.close = (await client.closed).code;
  return finals;
}

/** Time-to-final of each word: its arrival − when the frame holding its end was sent. */
const toFinal = (finals: Finals, key: string) => {
  const word = finals.words.get(key)!;
  return word.at - (finals.streamStart + Math.floor(word.endMs / FRAME_MS) * FRAME_MS);
};
const longestGap = (times: number[]) => times.slice(1).reduce((longest, at, index) => Math.max(longest, at - times[index]), 0);
const sameFinals = (a: Finals, b: Finals) => [...a.words.values()].map((word) => word.text).join(' ') === [...b.words.values()].map((word) => word.text).join(' ');

async function run(samples: Int16Array, sampleRate: number, index: number) {
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const procs: Proc[] = [];
  try {
    const workers = await Promise.all(
      [0, 1].map((worker) =>
        start(['runtime/main.ts', '--role', 'asr-worker'], { SERVER_HOST: '127.0.0.1', SERVER_PORT: String(ports[worker]), METRICS_PORT: String(ports[worker + 2]), ASR_WORKERS: '1', ASR_THREADS: '1', DRAIN_GRACE_MS: args['worker-grace-ms']! }, /Ready to serve!/, `asr-worker-${worker}`),
      ),
    );
    procs.push(...workers);
    const gateway = await start(
      ['runtime/main.ts', '--role', 'gateway'],
      { HOST: '127.0.0.1', PORT: '0', ASR_ROUTES: `en-default,default=127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}`, CLIENT_AUDIO_BURST_SECONDS: '0', REDIS_URL: '', LICENSE_FILE_PATH: '', DRAIN_GRACE_MS: '1000' },
      /listening on ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/,
      'gateway',
    );
    procs.push(gateway);
    const url = /ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/.exec(gateway.line)![0];
    for (let tries = 0; (await fetch(`${url.replace('ws:', 'http:')}/health`)).status !== 200; tries++) {
      if (tries > 600) throw new Error('gateway never became ready');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Both workers warm (one session each, round robin), so the undisturbed run is not a cold start.
    await Promise.all([0, 1].map(() => session(url, samples, sampleRate, Infinity)));
    const undisturbed = await Promise.all(Array.from({ length: SESSIONS }, () => session(url, samples, sampleRate)));
    const disturbedRun = Promise.all(Array.from({ length: SESSIONS }, () => session(url, samples, sampleRate)));
    const stopAfterMs = (samples.length / sampleRate) * 1000 * Number(args.at);
    await new Promise((resolve) => setTimeout(resolve, stopAfterMs));
    const counts = await Promise.all([0, 1].map((worker) => activeStreams(ports[worker + 2])));
    const victim = counts[0] >= counts[1] ? 0 : 1;
    const stoppedAt = performance.now();
    workers[victim].child.kill(SIGNAL);
    const disturbed = await disturbedRun;

    const added: number[] = [];
    const undisturbedTtf: number[] = [];
    const disturbedTtf: number[] = [];
    disturbed.forEach((after, session) => {
      const before = undisturbed[session];
      const stopAudioMs = stoppedAt - after.streamStart;
      for (const [key, word] of after.words) {
        if (word.endMs < stopAudioMs || before.words.get(key)?.text !== word.text) continue;
        undisturbedTtf.push(toFinal(before, key));
        disturbedTtf.push(toFinal(after, key));
        added.push(toFinal(after, key) - toFinal(before, key));
      }
    });
    const reopenMs = [...gateway.output.text.matchAll(/"reopenMs":(\d+)/g)].map((match) => Number(match[1]));
    return {
      run: index,
      signal: SIGNAL,
      sessionsOnStoppedWorker: counts[victim],
      reopened: reopenMs.length,
      reopenMs,
      errors: disturbed.flatMap((finals) => finals.errors).length + undisturbed.flatMap((finals) => finals.errors).length,
      closes: disturbed.map((finals) => finals.close),
      sameFinalWords: disturbed.every((after, session) => sameFinals(after, undisturbed[session])),
      wordsAfterStop: added.length,
      addedMs: { p50: percentile(added, 50), p95: percentile(added, 95), max: Math.round(Math.max(...added)) },
      toFinalAfterStopMs: { undisturbedP95: percentile(undisturbedTtf, 95), disturbedP95: percentile(disturbedTtf, 95) },
      longestTurnGapMs: { undisturbed: Math.round(Math.max(...undisturbed.map((finals) => longestGap(finals.turnTimes)))), disturbed: Math.round(Math.max(...disturbed.map((finals) => longestGap(finals.turnTimes)))) },
      stoppedWorkerExit: await workers[victim].exited,
    };
  } finally {
    for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  // One recording of 10-20 s: long enough for several turns either side of the stop.
  const candidates = existsSync(TESTDATA_DIR) ? testdataFiles().map((file) => file.path) : committedSpeechFiles();
  let clip: { path: string; samples: Int16Array; sampleRate: number } | undefined;
  for (const path of candidates) {
    const audio = await readAudioFile(path);
    const seconds = audio.samples.length / audio.sampleRate;
    if (seconds >= 10 && seconds <= 20) {
      clip = { path, ...audio };
      break;
    }
    clip ??= { path, ...audio };
  }
  console.log(`recording ${clip!.path} (${(clip!.samples.length / clip!.sampleRate).toFixed(1)} s), ${SESSIONS} sessions, ${SIGNAL} at ${args.at} of it`);
  const results = [];
  for (let index = 0; index < Number(args.runs); index++) {
    const result = await run(clip!.samples, clip!.sampleRate, index);
    console.log(JSON.stringify(result));
    results.push(result);
  }
  mkdirSync(args.out!, { recursive: true });
  const file = join(args.out!, `failover-${SIGNAL}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify({ recording: clip!.path, sessions: SESSIONS, results }, null, 2));
  console.log(`written ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
