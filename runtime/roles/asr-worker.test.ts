import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createScriptedEngine } from '../../gpu-pool/grpc/testing/scripted-engine.ts';
import { healthCheck } from '../../gpu-pool/grpc/testing/raw-client.ts';
import { asrWorkerOptionsFromEnv, startAsrWorker } from './asr-worker.ts';

function capturingLogger() {
  const lines: Array<{ msg: string }> = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('asr-worker role', () => {
  it('reads the seed-compatible environment with its defaults', () => {
    const defaults = asrWorkerOptionsFromEnv({});
    expect(defaults).toMatchObject({ port: 50051, maxOpenStreams: 48, modelVersions: ['en-default'], drainGraceMs: 60_000 });
    expect(defaults.modelDir).toMatch(/models\/earshot-en$/);
    const custom = asrWorkerOptionsFromEnv({
      SERVER_PORT: '50052',
      MAX_OPEN_STREAMS: '8',
      MODEL_VERSION: 'ml-default, multi',
      MODEL_DIR: '/models/ml',
      ASR_WORKERS: '2',
      ASR_THREADS: '1',
    });
    expect(custom).toMatchObject({ port: 50052, maxOpenStreams: 8, modelVersions: ['ml-default', 'multi'], modelDir: '/models/ml', workers: 2, threads: 1 });
    expect(() => asrWorkerOptionsFromEnv({ MODEL_VERSION: 'ml-default' })).toThrow(/MODEL_DIR/);
    expect(() => asrWorkerOptionsFromEnv({ MAX_OPEN_STREAMS: 'many' })).toThrow(/MAX_OPEN_STREAMS/);
  });

  it('logs `Ready to serve!` once health says SERVING, and drains on stop', async () => {
    const { logger, lines } = capturingLogger();
    const worker = await startAsrWorker({
      ...asrWorkerOptionsFromEnv({ SERVER_PORT: '0', SERVER_HOST: '127.0.0.1', DRAIN_GRACE_MS: '100' }),
      engine: createScriptedEngine(),
      logger,
    });
    expect(lines.map((line) => line.msg)).toContain('Ready to serve!');
    expect(await healthCheck(`127.0.0.1:${worker.port}`)).toBe('SERVING');
    await worker.stop();
    expect(worker.server.draining).toBe(true);
    await expect(healthCheck(`127.0.0.1:${worker.port}`)).rejects.toThrow();
  });
});
