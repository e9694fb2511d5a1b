/**
 * `npm run bench:latency [-- --sessions 8 --seconds 20 --endpoint ws://host:8080]`
 *
 * N concurrent sessions, each streaming real recordings (EARSHOT_TESTDATA, else ../shared/testdata) at real-time pace
 * in 100 ms frames, through the whole path: WebSocket → gateway → gRPC → ASR worker. Without
 * --endpoint it starts the embedded default (`tsx runtime/main.ts`) in a child process, so the
 * server does not share this process's event loop.
 *
 * Word emission delay: for every word (turn_order + position), from the moment the frame holding
 * the end of the word's audio was sent to the arrival of the first Turn that contains the word.
 * End-of-turn delay: from the moment the frame holding the end of the turn's last word was sent to
 * the arrival of its end_of_turn Turn (this includes the turn-silence the endpointer waits for);
 * only turns ended by the endpointer count, not the flush after Terminate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { readAudio } from '../audio/read-audio.ts';
import { resample, toPcm16 } from '../audio/resample.ts';
import { TESTDATA_DIR } from '../../gpu-pool/engine/testing/test-data.ts';
import { testLicenceEnv } from '../../runtime/license/test-support.ts';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '20' },
    endpoint: { type: 'string' },
    testdata: { type: 'string', default: TESTDATA_DIR },
  },
});
const SESSIONS = Number(values.sessions);
const SECONDS = Number(values.seconds);
const RATE = 16000;
const FRAME_MS = 100;
const FRAME_BYTES = (RATE * FRAME_MS * 2) / 1000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function startServer(): Promise<{ endpoint: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...(await testLicenceEnv(SESSIONS)), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { endpoint: `ws://127.0.0.1:${port}`, child };
}

/** SECONDS of speech per session: testdata recordings (resampled to 16 kHz) back to back, rotated per session. */
async function sessionAudio(): Promise<Uint8Array[]> {
  const rows = readFileSync(`${values.testdata}/all_refs.tsv`, 'utf8').trim().split('\n').slice(1);
  const files = rows.map((row) => `${values.testdata}/${row.split('\t')[0]}`);
  const pcm = await Promise.all(files.map(async (file) => {
    const audio = await readAudio(file);
    return toPcm16(resample(audio.samples, audio.sampleRate, RATE));
  }));
  return Array.from({ length: SESSIONS }, (_, session) => {
    const out = new Uint8Array(SECONDS * RATE * 2);
    for (let filled = 0, index = session; filled < out.length; index++) {
      const next = pcm[index % pcm.length].subarray(0, out.length - filled);
      out.set(next, filled);
      filled += next.length;
    }
    return out;
  });
}

interface Sample {
  words: number[];
  endOfTurn: number[];
  beginMs: number;
}

function runSession(endpoint: string, audio: Uint8Array): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const sample: Sample = { words: [], endOfTurn: [], beginMs: 0 };
    const sentAt: number[] = []; // wall time each frame was sent, by frame index
    const seen = new Set<string>();
    let terminateSentAt = Number.POSITIVE_INFINITY;
    const opened = performance.now();
    const socket = new WebSocket(`${endpoint}/v3/ws?sample_rate=${RATE}`, { headers: { Authorization: 'self-hosted' } });
    const frameSentFor = (audioMs: number) => sentAt[Math.min(sentAt.length - 1, Math.floor(Math.max(0, audioMs - 1) / FRAME_MS))];
    socket.on('message', (data) => {
      const now = performance.now();
      const message = JSON.parse(data.toString());
      if (message.type === 'Begin') {
        sample.beginMs = now - opened;
        void stream();
      } else if (message.type === 'Turn') {
        message.words.forEach((word: { end: number }, index: number) => {
          const key = `${message.turn_order}:${index}`;
          const sent = frameSentFor(word.end);
          if (!seen.has(key) && sent !== undefined) {
            seen.add(key);
            sample.words.push(now - sent);
          }
        });
        const last = message.words.at(-1);
        const sent = last && frameSentFor(last.end);
        // Only turns the endpointer ended by itself: the flush after Terminate says nothing about it.
        if (message.end_of_turn && sent !== undefined && now < terminateSentAt) sample.endOfTurn.push(now - sent);
      } else if (message.type === 'Error') {
        reject(new Error(`Error ${message.error_code}: ${message.error}`));
      }
    });
    socket.on('close', () => resolve(sample));
    socket.on('error', reject);
    async function stream() {
      const started = performance.now();
      for (let offset = 0, index = 0; offset < audio.length; offset += FRAME_BYTES, index++) {
        const due = started + index * FRAME_MS;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        socket.send(audio.subarray(offset, offset + FRAME_BYTES));
        sentAt[index] = performance.now();
      }
      terminateSentAt = performance.now();
      socket.send(JSON.stringify({ type: 'Terminate' }));
    }
  });
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const server = values.endpoint ? undefined : await startServer();
const endpoint = values.endpoint ?? server!.endpoint;
try {
  const audio = await sessionAudio();
  process.stderr.write(`streaming ${SESSIONS} sessions × ${SECONDS} s at real time to ${endpoint} ...\n`);
  const samples = await Promise.all(audio.map((pcm) => runSession(endpoint, pcm)));
  const words = samples.flatMap((s) => s.words);
  const ends = samples.flatMap((s) => s.endOfTurn);
  const begins = samples.map((s) => s.beginMs);
  const row = (name: string, v: number[]) => `${name.padEnd(34)} ${String(v.length).padStart(6)} ${percentile(v, 50).toFixed(0).padStart(7)} ${percentile(v, 95).toFixed(0).padStart(7)}`;
  process.stdout.write(
    [
      `sessions: ${SESSIONS}, audio per session: ${SECONDS} s, frames: ${FRAME_MS} ms, paced at real time`,
      `${'metric (ms)'.padEnd(34)} ${'n'.padStart(6)} ${'p50'.padStart(7)} ${'p95'.padStart(7)}`,
      row('word emission delay', words),
      row('end-of-turn delay after speech', ends),
      row('Begin after connect', begins),
      '',
    ].join('\n'),
  );
} finally {
  server?.child.kill('SIGTERM');
}
