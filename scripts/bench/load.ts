/**
 * npm run bench:load — sessions held for minutes through separate processes: one ASR worker
 * (`runtime/main.ts --role asr-worker`) and one gateway (`--role gateway`), on loopback.
 *
 *   npm run bench:load -- --streaming 32 --idle 0 --minutes 10        # soak
 *   npm run bench:load -- --streaming 32 --idle 468 --minutes 3       # density: 500 open sessions
 *
 * Streaming sessions send real recordings (../shared/testdata, else the committed fixtures) in
 * real time, one after another, for the whole run, then Terminate. Idle sessions are opened first,
 * send nothing but a KeepAlive every 30 s, each on its own beat (the idle rule ends a silent
 * session after 60 s), and Terminate at the end. Prints sessions held, closes by code, Error messages, word latency (from
 * the moment the audio holding a word's end was sent to the first Turn carrying the word) and
 * time-to-final (the same for final Turns) p50/p95/p99, resident memory of each process every
 * 30 s, the gateway's event-loop delay while the sessions stream (its /metrics), and memory per idle session; JSON in
 * .tmp/bench-load/. Every process inherits the caller's CPU affinity (taskset) unless
 * --gateway-cpus / --worker-cpus pin that process (`taskset -c 1 npm run bench:load -- ...
 * --gateway-cpus 0`: the gateway alone on core 0, so its event-loop delay is its own work).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { committedSpeechFiles, TESTDATA_DIR } from '../../gpu-pool/engine/testing/test-data.ts';
import { readAudioFile, testdataFiles } from '../../gpu-pool/engine/testing/audio-files.ts';
import { freePort } from '../../gpu-pool/grpc/testing/free-port.ts';
import { generateLicenceKeyPair, signLicence } from '../license/licence-signer.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    streaming: { type: 'string', default: '32' },
    idle: { type: 'string', default: '0' },
    minutes: { type: 'string', default: '10' },
    'asr-workers': { type: 'string', default: '1' },
    /** CPU list (taskset -c) for the gateway process; default: the caller's affinity. */
    'gateway-cpus': { type: 'string' },
    /** CPU list for the ASR worker process; default: the caller's affinity. */
    'worker-cpus': { type: 'string' },
    out: { type: 'string', default: join(ROOT, '.tmp/bench-load') },
  },
});
const STREAMING = Number(args.streaming);
const IDLE = Number(args.idle);
const DURATION_MS = Number(args.minutes) * 60_000;
const FRAME_MS = 100;

function rssMb(pid: number | undefined): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return 0;
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
}

async function startRole(role: string, env: Record<string, string>, ready: RegExp, cpus?: string): Promise<{ child: ChildProcess; line: string }> {
  const command = [process.execPath, '--import', 'tsx', 'runtime/main.ts', '--role', role];
  // Pinned with taskset -c, which execs node: the child's pid is node's.
  const [file, ...argv] = cpus ? ['taskset', '-c', cpus, ...command] : command;
  const child = spawn(file, argv, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', LOGGING_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolve(match[0]);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => reject(new Error(`${role} exited ${code}: ${out.slice(-2000)}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return { child, line };
}

interface Session {
  socket: WebSocket;
  closed: Promise<number>;
  errors: string[];
  began: Promise<void>;
}

function openSession(url: string): Session {
  const socket = new WebSocket(url, { headers: { Authorization: 'bench' } });
  const errors: string[] = [];
  let began!: () => void;
  const session: Session = {
    socket,
    errors,
    began: new Promise((resolve) => (began = resolve)),
    closed: new Promise((resolve) => socket.once('close', (code) => resolve(code))),
  };
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; error?: string };
    if (message.type === 'Begin') began();
    if (message.type === 'Error') errors.push(String(message.error));
  });
  socket.on('error', () => undefined);
  return session;
}

async function main(): Promise<void> {
  const recordings = existsSync(TESTDATA_DIR) ? testdataFiles().map((file) => file.path) : committedSpeechFiles();
  const audio = await Promise.all(recordings.slice(0, 12).map((path) => readAudioFile(path)));
  const sampleRate = audio[0].sampleRate;
  const clips = audio.filter((clip) => clip.sampleRate === sampleRate).map((clip) => clip.samples);

  // A flat, offline licence for the sessions (evaluation mode allows 4), signed here.
  mkdirSync(args.out!, { recursive: true });
  const vendor = generateLicenceKeyPair('EdDSA');
  const licencePath = join(args.out!, 'license.jwt');
  const keyPath = join(args.out!, 'licence-public.pem');
  writeFileSync(keyPath, vendor.publicPem);
  writeFileSync(licencePath, await signLicence(vendor.privatePem, { id: 'lic-bench', licensee: 'bench', billing: 'flat', maxConcurrentSessions: STREAMING + IDLE + 8, allowedModels: ['*'], expiresAt: Math.floor(Date.now() / 1000) + 86_400 }));
  const grpcPort = await freePort();
  const worker = await startRole(
    'asr-worker',
    { SERVER_HOST: '127.0.0.1', SERVER_PORT: String(grpcPort), MAX_OPEN_STREAMS: String(STREAMING + IDLE + 8), ASR_WORKERS: args['asr-workers']! },
    /Ready to serve!/,
    args['worker-cpus'],
  );
  const gateway = await startRole(
    'gateway',
    { HOST: '127.0.0.1', PORT: '0', ASR_ROUTES: `en-default=127.0.0.1:${grpcPort}`,  LICENSE_FILE_PATH: licencePath, LICENSE_PUBLIC_KEYS: keyPath, AUDIO_RATE_BURST_SECONDS: '60' },
    /listening on ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/,
    args['gateway-cpus'],
  );
  const url = /ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/.exec(gateway.line)![0];
  const http = url.replace('ws:', 'http:').replace('/v3/ws', '');
  for (;;) {
    if ((await fetch(`${http}/v3/ws/health`).catch(() => undefined))?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const memory: Array<{ atS: number; gatewayMb: number; workerMb: number; openSessions: number }> = [];
  let open = 0;
  const sample = (atS: number) => memory.push({ atS, gatewayMb: rssMb(gateway.child.pid), workerMb: rssMb(worker.child.pid), openSessions: open });
  const start = performance.now();
  sample(0);
  const gatewayBeforeIdle = rssMb(gateway.child.pid);

  // Idle sessions first, 25 at a time.
  const idle: Session[] = [];
  for (let index = 0; index < IDLE; index += 25) {
    const batch = Array.from({ length: Math.min(25, IDLE - index) }, () => openSession(`${url}?sample_rate=${sampleRate}`));
    await Promise.all(batch.map((session) => session.began));
    idle.push(...batch);
    open += batch.length;
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const gatewayWithIdle = rssMb(gateway.child.pid);
  // A scrape resets the gateway's event-loop delay histogram: what is printed covers the streaming
  // part only, not the opening of the idle sessions.
  await fetch(`${http}/metrics`);
  // Each idle client on its own 30 s beat, as independent clients are (not all in one burst).
  const keepAlives = idle.map((session, index) => {
    const beat = () => {
      if (session.socket.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify({ type: 'KeepAlive' }));
    };
    const timers: { interval?: NodeJS.Timeout; first: NodeJS.Timeout } = { first: setTimeout(() => ((timers.interval = setInterval(beat, 30_000)), beat()), (index * 30_000) / Math.max(1, idle.length)) };
    return timers;
  });

  const wordDelays: number[] = [];
  const finalDelays: number[] = [];
  const streaming = Array.from({ length: STREAMING }, async (_, index) => {
    const session = openSession(`${url}?sample_rate=${sampleRate}`);
    await session.began;
    open += 1;
    const began = performance.now();
    const seen = new Set<string>();
    session.socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; end_of_turn?: boolean; turn_order?: number; words?: Array<{ text: string; end: number; start: number }> };
      if (message.type !== 'Turn') return;
      const now = performance.now();
      for (const word of message.words ?? []) {
        const key = `${message.turn_order}:${word.start}`;
        // The audio holding the word's end went out with the frame that completes it (real-time pacing).
        const sentAt = began + Math.ceil(word.end / FRAME_MS) * FRAME_MS;
        if (!seen.has(key)) {
          seen.add(key);
          wordDelays.push(now - sentAt);
        }
      }
      const last = message.words?.at(-1);
      if (message.end_of_turn && last) finalDelays.push(now - (began + Math.ceil(last.end / FRAME_MS) * FRAME_MS));
    });
    // Stagger the streams over the first second so their frames do not all arrive together.
    await new Promise((resolve) => setTimeout(resolve, (index * 1000) / STREAMING));
    const frameSamples = (sampleRate * FRAME_MS) / 1000;
    let sent = 0;
    for (let clip = index; performance.now() - start < DURATION_MS && session.socket.readyState === WebSocket.OPEN; clip++) {
      const samples = clips[clip % clips.length];
      for (let offset = 0; offset < samples.length && session.socket.readyState === WebSocket.OPEN; offset += frameSamples) {
        const frame = samples.subarray(offset, Math.min(samples.length, offset + frameSamples));
        if (frame.length < frameSamples) break; // whole frames only: a short one must be the last
        session.socket.send(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
        sent += 1;
        const wait = began + (index * 1000) / STREAMING + sent * FRAME_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    session.socket.send(JSON.stringify({ type: 'Terminate' }));
    return session;
  });

  const sampler = setInterval(() => sample(Math.round((performance.now() - start) / 1000)), 30_000);
  const streamed = await Promise.all(streaming);
  for (const session of idle) session.socket.send(JSON.stringify({ type: 'Terminate' }));
  const sessions = [...streamed, ...idle];
  const closes = await Promise.all(sessions.map((session) => Promise.race([session.closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 20_000))])));
  clearInterval(sampler);
  for (const timers of keepAlives) {
    clearTimeout(timers.first);
    clearInterval(timers.interval);
  }
  sample(Math.round((performance.now() - start) / 1000));
  const metrics = await (await fetch(`${http}/metrics`)).text();
  const lag = (name: string) => Number(new RegExp(`^earshot_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN) * 1000;
  gateway.child.kill('SIGKILL');
  worker.child.kill('SIGKILL');

  const byCode: Record<string, number> = {};
  for (const code of closes) byCode[code] = (byCode[code] ?? 0) + 1;
  const warm = memory.filter((point) => point.atS >= 60);
  const growth = (key: 'gatewayMb' | 'workerMb') => (warm.length > 1 ? Math.round(((warm.at(-1)![key] - warm[0][key]) / warm[0][key]) * 1000) / 10 : Number.NaN);
  const result = {
    streaming: STREAMING,
    idle: IDLE,
    minutes: DURATION_MS / 60_000,
    recordings: existsSync(TESTDATA_DIR) ? 'shared testdata' : 'committed fixtures',
    sessionsHeld: sessions.length,
    closesByCode: byCode,
    errors: sessions.flatMap((session) => session.errors),
    wordLatencyMs: { p50: percentile(wordDelays, 50), p95: percentile(wordDelays, 95), p99: percentile(wordDelays, 99), count: wordDelays.length },
    timeToFinalMs: { p50: percentile(finalDelays, 50), p95: percentile(finalDelays, 95), p99: percentile(finalDelays, 99), count: finalDelays.length },
    gatewayEventLoopMs: { p50: lag('p50'), p99: lag('p99'), max: lag('max') },
    memory,
    memoryGrowthAfterWarmupPercent: { gateway: growth('gatewayMb'), worker: growth('workerMb') },
    gatewayKbPerIdleSession: IDLE > 0 ? Math.round(((gatewayWithIdle - gatewayBeforeIdle) * 1024) / IDLE) : null,
  };
  mkdirSync(args.out!, { recursive: true });
  const file = join(args.out!, `load-${STREAMING}s-${IDLE}i-${args.minutes}m.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(JSON.stringify({ ...result, memory: `${memory.length} samples in ${file}` }, null, 2));
  process.exit(byCode['1000'] === sessions.length && result.errors.length === 0 ? 0 : 1);
}

await main();
