/**
 * The gateway role on its own, in front of a separately started ASR worker (ASR_ROUTES over
 * loopback gRPC), as in a scaled-out deployment: a session works end to end; a licence failure
 * ends live sessions with 1008; SIGTERM-style drain warns, refuses newcomers, then ends stragglers.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile } from '../../gpu-pool/engine/testing/audio-files.ts';
import { createTestEngine, TEST_WAV } from '../../gpu-pool/grpc/testing/test-engine.ts';
import type { AsrEngine } from '../../gpu-pool/engine/api.ts';
import { streamAudio, TestClient } from '../../functions/streaming/testing/harness.ts';
import { testTerms } from '../license/test-support.ts';
import { staticLicence } from '../license/source.ts';
import { loadConfig } from '../config/index.ts';
import { createSessionLifecycle } from '../sessions/index.ts';
import { startAsrWorker, type AsrWorkerHandle } from './asr-worker.ts';
import { startGateway } from './gateway.ts';

const silent = pino({ level: 'silent' });
let engine: AsrEngine;
let worker: AsrWorkerHandle;

beforeAll(async () => {
  engine = await createTestEngine();
  worker = await startAsrWorker({ port: 0, host: '127.0.0.1', maxOpenStreams: 8, modelVersions: ['en-default'], modelDir: '', drainGraceMs: 1000, engine, logger: silent });
});
afterAll(async () => {
  await worker?.stop();
  await engine?.close();
});

function gatewayConfig(extra: Record<string, string> = {}) {
  return loadConfig({ HOST: '127.0.0.1', PORT: '0', ASR_ROUTES: `en-default=127.0.0.1:${worker.port}`, ...extra }, ['--role', 'gateway']);
}

describe('gateway role', () => {
  it('health answers 503 warming until its worker is warm (self-hosted v1.2), then 200', async () => {
    worker.server.health.setNotServing();
    const config = gatewayConfig();
    const sessions = await createSessionLifecycle(config.sessions, { licence: staticLicence(testTerms(16), 'Connected'), logger: silent });
    const gateway = await startGateway(config, { sessions, logger: silent });
    try {
      const health = `http://127.0.0.1:${gateway.port}/v3/ws/health`;
      const warming = await fetch(health);
      expect(warming.status).toBe(503);
      expect(await warming.json()).toMatchObject({ status: 'warming' });
      worker.server.health.setServing();
      await expect.poll(async () => (await fetch(health)).status, { timeout: 5000, interval: 200 }).toBe(200);
    } finally {
      worker.server.health.setServing();
      await gateway.stop();
      await sessions.close();
    }
  });

  it('serves a session through ASR_ROUTES, ends live sessions with 1008 when the licence fails', async () => {
    const config = gatewayConfig();
    const licence = staticLicence(testTerms(16), 'Connected');
    const sessions = await createSessionLifecycle(config.sessions, { licence, logger: silent });
    const gateway = await startGateway(config, { sessions, logger: silent });
    try {
      const audio = await readAudioFile(TEST_WAV);
      const client = new TestClient(`ws://127.0.0.1:${gateway.port}/?sample_rate=${audio.sampleRate}`);
      await client.type('Begin');
      await streamAudio(client, audio.samples, audio.sampleRate, 100, 4);
      client.send({ type: 'Terminate' });
      expect((await client.closed).code).toBe(1000);
      expect(client.ofType('Turn').length).toBeGreaterThan(0);

      const live = new TestClient(`ws://127.0.0.1:${gateway.port}/v3/ws?sample_rate=16000`);
      await live.type('Begin');
      licence.set({ state: 'Failed', failure: 'test' });
      const error = await live.type('Error');
      expect(error).toMatchObject({ error_code: 1008, error: expect.stringMatching(/^Unauthorized Connection: Licence failed/) });
      expect((await live.closed).code).toBe(1008);

      const refused = new TestClient(`ws://127.0.0.1:${gateway.port}/v3/ws?sample_rate=16000`);
      expect((await refused.type('Error')).error_code).toBe(1008);
    } finally {
      await gateway.stop();
      await sessions.close();
    }
  });

  it('drains on stop: Warning to live sessions, 503 for health, Error 1013 for newcomers, then Error 3005', async () => {
    const gateway = await startGateway(gatewayConfig({ DRAIN_GRACE_MS: '1500' }), { logger: silent });
    const base = `127.0.0.1:${gateway.port}`;
    const live = new TestClient(`ws://${base}/v3/ws?sample_rate=16000`);
    await live.type('Begin');
    const stopping = gateway.stop();
    expect(await live.type('Warning')).toMatchObject({ warning_code: 3103 });
    expect((await fetch(`http://${base}/v3/ws/health`)).status).toBe(503);
    const newcomer = new TestClient(`ws://${base}/v3/ws?sample_rate=16000`);
    expect(await newcomer.type('Error')).toEqual({ type: 'Error', error_code: 1013, error: 'Server shutting down: connect again to reach another server' });
    expect(await newcomer.closed).toEqual({ code: 1013, reason: 'Server shutting down: connect again to reach another server' });
    expect(await live.type('Error', 5000)).toEqual({ type: 'Error', error_code: 3005, error: 'Session Cancelled: Server shutting down' });
    expect((await live.closed).code).toBe(3005);
    await stopping;
  });

  it('refuses to start without ASR routes, naming the variables', async () => {
    await expect(startGateway(loadConfig({ HOST: '127.0.0.1', PORT: '0' }), { logger: silent })).rejects.toThrow(/ASR_ROUTES.*ASR_ENDPOINT/);
  });
});
