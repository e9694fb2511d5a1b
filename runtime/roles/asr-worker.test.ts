import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createGrpcAsrPool } from '../../gpu-pool/client/grpc-asr-pool.ts';
import { parseRoutingTable } from '../../gpu-pool/client/routing-table.ts';
import { healthCheck } from '../../gpu-pool/grpc/testing/raw-client.ts';
import { TEST_MODEL_DIR, TEST_WAV } from '../../gpu-pool/grpc/testing/test-engine.ts';
import { frames, readPcmWav } from '../../gpu-pool/grpc/testing/wav.ts';
import { DRAIN_GRACE_MS } from '../config/drain.ts';
import { asrWorkerOptionsFromEnv } from './asr-worker.ts';
import { freePort } from '../../gpu-pool/grpc/testing/free-port.ts';

const ROLE_ENTRY = fileURLToPath(new URL('./asr-worker.ts', import.meta.url));

describe('asr-worker role', () => {
  it('reads the seed-compatible environment with its defaults', () => {
    const defaults = asrWorkerOptionsFromEnv({});
    expect(defaults).toMatchObject({ port: 50051, maxOpenStreams: 48, modelVersions: ['en-default'], drainGraceMs: DRAIN_GRACE_MS, decoding: 'auto', preferInt8: true, provider: 'auto' });
    expect(defaults.modelDir).toMatch(/models\/earshot-en$/);
    const custom = asrWorkerOptionsFromEnv({
      SERVER_PORT: '50052',
      MAX_OPEN_STREAMS: '8',
      MODEL_VERSION: 'ml-default, multi',
      MODEL_DIR: '/models/ml',
      ASR_WORKERS: '2',
      ASR_THREADS: '1',
      ASR_DECODING: 'greedy_search',
      ASR_PREFER_INT8: 'false',
      ASR_PROVIDER: 'cuda',
    });
    expect(custom).toMatchObject({ port: 50052, maxOpenStreams: 8, modelVersions: ['ml-default', 'multi'], modelDir: '/models/ml', workers: 2, threads: 1, decoding: 'greedy_search', preferInt8: false, provider: 'cuda' });
    expect(() => asrWorkerOptionsFromEnv({ MODEL_VERSION: 'ml-default' })).toThrow(/MODEL_DIR/);
    expect(() => asrWorkerOptionsFromEnv({ MAX_OPEN_STREAMS: 'many' })).toThrow(/MAX_OPEN_STREAMS/);
    expect(() => asrWorkerOptionsFromEnv({ ASR_DECODING: 'fast' })).toThrow(/ASR_DECODING/);
    expect(() => asrWorkerOptionsFromEnv({ ASR_PREFER_INT8: 'maybe' })).toThrow(/ASR_PREFER_INT8/);
    expect(() => asrWorkerOptionsFromEnv({ ASR_PROVIDER: 'gpu' })).toThrow(/ASR_PROVIDER/);
  });

  it('lists every bad variable at once, not only the first', () => {
    const bad = { MODEL_VERSION: 'ml-default', SERVER_PORT: '-1', MAX_OPEN_STREAMS: '0', ASR_WORKERS: 'two', ASR_DECODING: 'fast', ASR_PROVIDER: 'gpu', ASR_PREFER_INT8: 'maybe', DRAIN_GRACE_MS: '1.5', METRICS_PORT: 'x' };
    let message = '';
    try {
      asrWorkerOptionsFromEnv(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'invalid configuration:',
      "  MODEL_DIR is required for model version 'ml-default' (no default model folder for it)",
      "  SERVER_PORT must be a non-negative integer, got '-1'",
      '  MAX_OPEN_STREAMS must be at least 1',
      "  ASR_WORKERS must be a non-negative integer, got 'two'",
      "  ASR_DECODING must be auto, greedy_search or modified_beam_search, got 'fast'",
      "  ASR_PROVIDER must be auto, cpu or cuda, got 'gpu'",
      "  ASR_PREFER_INT8 must be true or false, got 'maybe'",
      "  DRAIN_GRACE_MS must be a non-negative integer, got '1.5'",
      "  METRICS_PORT must be a non-negative integer, got 'x'",
    ]);
  });

  describe('as its own process (the container entry point)', () => {
    let child: ChildProcess | undefined;
    afterAll(() => {
      if (child && child.exitCode === null) child.kill('SIGKILL');
    });

    it('logs `Ready to serve!` once SERVING, and on SIGTERM drains: refuses new sessions, finishes the live one, exits 0', async () => {
      const port = await freePort();
      child = spawn(process.execPath, ['--import', 'tsx', ROLE_ENTRY], {
        env: {
          ...process.env,
          SERVER_PORT: String(port),
          SERVER_HOST: '127.0.0.1',
          MODEL_DIR: TEST_MODEL_DIR,
          MODEL_VERSION: 'en-default',
          ASR_WORKERS: '1',
          ASR_THREADS: '1',
          MAX_OPEN_STREAMS: '4',
          DRAIN_GRACE_MS: '20000',
          LOGGING_LEVEL: 'info',
          LOG_LEVEL: 'info', // the test waits for an info line; a caller's LOG_LEVEL=warn would hide it
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

      const deadline = Date.now() + 45_000;
      while (!output.includes('Ready to serve!')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`worker did not get ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const address = `127.0.0.1:${port}`;
      expect(await healthCheck(address)).toBe('SERVING');

      const pool = createGrpcAsrPool({ routes: parseRoutingTable(`en-default=${address}`), acceptTimeoutMs: 3_000, attemptsPerSession: 1 });
      const audio = readPcmWav(TEST_WAV);
      const request = { sessionId: 'role', modelVersion: 'en-default', sampleRate: audio.sampleRate, encoding: 'pcm_s16le' as const, turnDetection: {}, keyterms: [], formatTurns: false };
      const live = await pool.open(request);
      const words: string[] = [];
      live.on((event) => {
        if (event.kind === 'end_of_turn') words.push(...event.words.map((word) => word.text));
      });

      child.kill('SIGTERM');
      const drainDeadline = Date.now() + 5_000;
      while ((await healthCheck(address).catch(() => 'gone')) === 'SERVING') {
        if (Date.now() > drainDeadline) throw new Error('worker never went NOT_SERVING');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await expect(pool.open(request)).rejects.toMatchObject({ code: 'UNAVAILABLE' });

      for (const frame of frames(audio, 100)) live.sendAudio(frame);
      const { audioMs } = await live.finish();
      expect(audioMs).toBeGreaterThan(2_900);
      expect(words.length).toBeGreaterThan(0);
      expect(await exited).toBe(0);
      await pool.close();
    });
  });
});
