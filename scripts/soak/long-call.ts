/**
 * `npm run soak [-- --minutes 12 --probe-seconds 60]`: one long call through separate processes.
 *
 * Starts an ASR worker (`runtime/main.ts --role asr-worker`) and a gateway (`--role gateway`,
 * ASR_ROUTES at the worker) as two OS processes, then streams real recordings (EARSHOT_TESTDATA,
 * else ../shared/testdata; resampled to 16 kHz, back to back, looped) in real time, 100 ms frames,
 * through one session for --minutes. Every --probe-seconds a short second session opens and ends,
 * so the gateway renews its worker channel (every 5 min) while the long call stays on the old one.
 *
 * Passes (exit 0) when the long session ends with Termination and close 1000, no Error, an
 * audio_duration_seconds matching what was sent, and a complete transcript: final words in every
 * recording's stretch of the call and no stretch of over 30 s of speech without a final word.
 * Prints one JSON line with the result and writes it to .tmp/soak/long-call.json.
 * Outside `npm test` on purpose: it takes --minutes of wall time (little CPU).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { TESTDATA_DIR } from '../../gpu-pool/engine/testing/test-data.ts';
import { freePort } from '../../gpu-pool/grpc/testing/free-port.ts';
import { readAudio } from '../../gpu-pool/engine/audio/audio-file.ts';
import { toPcm16Bytes } from '../../gpu-pool/engine/audio/pcm16.ts';
import { resampleAll } from '../../gpu-pool/engine/audio/resampler.ts';
import { readyLine } from '../../runtime/testing/ready-line.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '12' },
    'probe-seconds': { type: 'string', default: '60' },
    testdata: { type: 'string', default: TESTDATA_DIR },
  },
});
const MINUTES = Number(values.minutes);
const PROBE_MS = Number(values['probe-seconds']) * 1000;
const RATE = 16000;
const FRAME_MS = 100;
const FRAME_BYTES = (RATE * FRAME_MS * 2) / 1000;
const MAX_GAP_MS = 30_000;

interface Word {
  start: number;
  end: number;
  text: string;
}

const children: ChildProcess[] = [];
const log = (line: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** `runtime/main.ts --role ROLE` as its own process; resolves with the line that says it is up. */
function startRole(role: string, env: Record<string, string>, ready: RegExp): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts', '--role', role], {
    cwd: ROOT,
    // info: the ready lines are info; afterwards only warnings and errors are passed through.
    env: { ...process.env, LOG_LEVEL: 'info', LOGGING_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const started = readyLine(child, role, ready, 120_000);
  let up = false;
  void started.then(() => (up = true), () => undefined);
  // After start-up, pass warnings and errors through (an Error mid-soak must be visible).
  const passWarnings = (chunk: Buffer) => {
    if (up) for (const row of chunk.toString().split('\n')) if (/"level":(40|50|60)|\b(WARN|ERROR|FATAL)\b/.test(row)) process.stderr.write(`[${role}] ${row}\n`);
  };
  child.stdout!.on('data', passWarnings);
  child.stderr!.on('data', passWarnings);
  return started;
}

/** The recordings back to back (looped) for the whole call, and where each one lies in it. */
async function callAudio(): Promise<{ pcm: Uint8Array; stretches: Array<{ file: string; startMs: number; endMs: number }> }> {
  const rows = readFileSync(`${values.testdata}/all_refs.tsv`, 'utf8').trim().split('\n').slice(1);
  const files = rows.map((row) => row.split('\t')[0]!);
  const clips = await Promise.all(files.map(async (file) => {
    const audio = await readAudio(`${values.testdata}/${file}`);
    return toPcm16Bytes(resampleAll(audio.samples, audio.sampleRate, RATE));
  }));
  const total = Math.round(MINUTES * 60 * RATE) * 2;
  const pcm = new Uint8Array(total);
  const stretches: Array<{ file: string; startMs: number; endMs: number }> = [];
  for (let filled = 0, index = 0; filled < total; index++) {
    const clip = clips[index % clips.length]!.subarray(0, total - filled);
    pcm.set(clip, filled);
    stretches.push({ file: files[index % files.length]!, startMs: (filled / 2 / RATE) * 1000, endMs: ((filled + clip.length) / 2 / RATE) * 1000 });
    filled += clip.length;
  }
  return { pcm, stretches };
}

/** A short session (1 s of audio, Terminate): makes the gateway open a fresh channel when one is due. */
async function probe(url: string, pcm: Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url}?sample_rate=${RATE}`, { headers: { Authorization: 'soak-probe' } });
    let outcome = 'no close';
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'Begin') {
        for (let i = 0; i < 10; i++) socket.send(pcm.subarray(i * FRAME_BYTES, (i + 1) * FRAME_BYTES));
        socket.send(JSON.stringify({ type: 'Terminate' }));
      } else if (message.type === 'Error') outcome = `Error ${message.error_code}`;
    });
    socket.on('close', (code) => resolve(outcome === 'no close' ? `close ${code}` : `${outcome}, close ${code}`));
    socket.on('error', (err) => resolve(`socket error ${err.message}`));
  });
}

async function main(): Promise<number> {
  const { pcm, stretches } = await callAudio();
  const grpcPort = await freePort();
  await startRole('asr-worker', { SERVER_HOST: '127.0.0.1', SERVER_PORT: String(grpcPort), MODEL_VERSION: 'en-default', ASR_WORKERS: '1', ASR_THREADS: '1', MAX_OPEN_STREAMS: '4' }, /Ready to serve!/);
  const line = await startRole('gateway', { HOST: '127.0.0.1', PORT: '0', ASR_ROUTES: `en-default=127.0.0.1:${grpcPort}` }, /listening on ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/);
  const url = /ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/.exec(line)![0];
  log(`worker on 127.0.0.1:${grpcPort}, gateway ${url}; streaming ${MINUTES} min in real time`);

  const finals: Word[] = [];
  const errors: string[] = [];
  const probes: string[] = [];
  let termination: Record<string, unknown> | undefined;
  const started = performance.now();
  const close = await new Promise<{ code: number; reason: string }>((resolve) => {
    const socket = new WebSocket(`${url}?sample_rate=${RATE}`, { headers: { Authorization: 'soak' } });
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'Begin') void stream(socket);
      else if (message.type === 'Turn' && message.end_of_turn) finals.push(...(message.words as Word[]));
      else if (message.type === 'Termination') termination = message;
      else if (message.type === 'Error') errors.push(`${message.error_code} ${message.error}`);
    });
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    socket.on('error', (err) => errors.push(`socket error: ${err.message}`));
  });
  async function stream(socket: WebSocket): Promise<void> {
    const t0 = performance.now();
    let nextProbe = PROBE_MS;
    for (let offset = 0, index = 0; offset < pcm.length && socket.readyState === WebSocket.OPEN; offset += FRAME_BYTES, index++) {
      const wait = t0 + index * FRAME_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      socket.send(pcm.subarray(offset, offset + FRAME_BYTES));
      if (index * FRAME_MS >= nextProbe) {
        nextProbe += PROBE_MS;
        void probe(url, pcm).then((outcome) => probes.push(outcome));
      }
      if (index % 600 === 0 && index > 0) log(`${index / 600} min sent, ${finals.length} final words so far`);
    }
    socket.send(JSON.stringify({ type: 'Terminate' }));
  }

  // Complete: final words in every recording's stretch, no long stretch without any.
  const starts = finals.map((w) => w.start).sort((a, b) => a - b);
  const silentStretches = stretches.filter((s) => !starts.some((t) => t >= s.startMs && t < s.endMs)).map((s) => `${s.file}@${Math.round(s.startMs / 1000)}s`);
  let longestGapMs = 0;
  for (let i = 1; i < starts.length; i++) longestGapMs = Math.max(longestGapMs, starts[i]! - starts[i - 1]!);
  longestGapMs = Math.max(longestGapMs, starts.length ? starts[0]! : Infinity, starts.length ? pcm.length / 2 / RATE * 1000 - starts.at(-1)! : Infinity);
  const sentSeconds = pcm.length / 2 / RATE;
  const result = {
    minutes: MINUTES,
    wallSeconds: Math.round((performance.now() - started) / 1000),
    close,
    termination,
    errors,
    probes,
    finalWords: finals.length,
    recordings: stretches.length,
    recordingsWithoutWords: silentStretches,
    longestGapMs: Math.round(longestGapMs),
    lastWordMs: starts.at(-1) ?? null,
    firstWords: finals.slice(0, 12).map((w) => w.text).join(' '),
    lastWords: finals.slice(-12).map((w) => w.text).join(' '),
  };
  const passed =
    close.code === 1000 &&
    termination !== undefined &&
    Math.abs(Number(termination.audio_duration_seconds) - sentSeconds) <= 1 &&
    errors.length === 0 &&
    silentStretches.length === 0 &&
    longestGapMs <= MAX_GAP_MS;
  const line2 = JSON.stringify({ passed, ...result });
  mkdirSync(`${ROOT}/.tmp/soak`, { recursive: true });
  writeFileSync(`${ROOT}/.tmp/soak/long-call.json`, `${line2}\n`);
  process.stdout.write(`${line2}\n`);
  return passed ? 0 : 1;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: Error) => {
    log(`failed: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });
