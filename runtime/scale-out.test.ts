/**
 * Scale-out as separate OS processes, the way compose/Kubernetes run it: `runtime/main.ts --role
 * asr-worker` (the real default model behind gRPC) and `runtime/main.ts --role gateway` (ASR_ROUTES
 * pointing at it). A client session is transcribed end to end; when the worker process is killed
 * mid-session the client gets the documented error instead of a hang, and the gateway keeps
 * serving (it refuses new sessions with 3005 until a worker is back).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readAudioFile } from '../gpu-pool/engine/testing/audio-files.ts';
import { editDistance } from '../gpu-pool/engine/testing/edit-distance.ts';
import { normalise, streamAudio, TestClient } from '../functions/streaming/testing/harness.ts';
import { freePort } from '../gpu-pool/grpc/testing/free-port.ts';
import { readyLine } from './testing/ready-line.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = `${ROOT}/scripts/eval/fixtures/heldout`;
const children: ChildProcess[] = [];

/** The reference transcript of a committed held-out fixture (refs.tsv: file, voice, synthesiser, text). */
function referenceOf(file: string): string[] {
  const line = readFileSync(`${FIXTURES}/refs.tsv`, 'utf8').split('\n').find((row) => row.startsWith(`${file}\t`));
  return normalise(line!.split('\t')[3]!);
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `runtime/main.ts` with a role and waits for the line that says it is up. */
async function startRole(role: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts', '--role', role], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', LOGGING_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const line = await readyLine(child, role, ready);
  return { child, line };
}

it('gateway and ASR worker as two processes: a session end to end; killing the worker gives 3005, not a hang', async () => {
  const grpcPort = await freePort();
  const worker = await startRole('asr-worker', {
    SERVER_HOST: '127.0.0.1',
    SERVER_PORT: String(grpcPort),
    MODEL_VERSION: 'en-default',
    ASR_WORKERS: '1',
    ASR_THREADS: '1',
    MAX_OPEN_STREAMS: '4',
  }, /Ready to serve!/);
  const gateway = await startRole('gateway', {
    HOST: '127.0.0.1',
    PORT: '0',
    ASR_ROUTES: `en-default=127.0.0.1:${grpcPort}`,
    DRAIN_GRACE_MS: '1000',
  }, /listening on ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/);
  const url = /ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/.exec(gateway.line)![0];

  const audio = await readAudioFile(`${FIXTURES}/heldout-0001.wav`);
  const pcm = audio.samples;
  const client = new TestClient(`${url}?sample_rate=${audio.sampleRate}&speech_model=universal-streaming-english`);
  await client.type('Begin');
  await streamAudio(client, pcm, audio.sampleRate, 100, 4);
  client.send({ type: 'Terminate' });
  await client.type('Termination');
  expect((await client.closed).code).toBe(1000);
  const heard = client.ofType('Turn').filter((turn) => turn.end_of_turn).flatMap((turn) => normalise(String(turn.transcript)));
  // The recording's own words: the default model gets 4 of these 10 wrong (WER 0.4), text from
  // other audio or audio lost or reordered on the way between the processes gets most of them wrong.
  const reference = referenceOf('heldout-0001.wav');
  const wer = editDistance(reference, heard) / reference.length;
  console.log(`[scale-out] heard '${heard.join(' ')}', WER ${wer.toFixed(2)}`);
  expect(wer).toBeLessThanOrEqual(0.5);

  // The worker dies mid-session: the live session ends with the documented error and close code.
  const live = new TestClient(`${url}?sample_rate=${audio.sampleRate}`);
  await live.type('Begin');
  void streamAudio(live, pcm, audio.sampleRate, 100, 1);
  await new Promise((resolve) => setTimeout(resolve, 500));
  worker.child.kill('SIGKILL');
  const error = await live.type('Error', 15_000);
  expect(String(error.error)).toMatch(/Session Cancelled/);
  expect((await live.closed).code).toBe(3005);

  // The gateway itself is fine: health answers, and a new session is refused clearly.
  const port = /:(\d+)\/v3\/ws/.exec(url)![1];
  expect((await fetch(`http://127.0.0.1:${port}/v3/ws/health`)).status).toBe(200);
  const late = new TestClient(`${url}?sample_rate=${audio.sampleRate}`);
  expect((await late.closed).code).toBe(3005);
}, 120_000);
