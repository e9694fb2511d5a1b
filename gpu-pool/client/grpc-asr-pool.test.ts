import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsrEngine } from '../engine/api.ts';
import { pino } from 'pino';
import { startAsrWorkerServer, type AsrWorkerServer } from '../grpc/worker-server.ts';
import { TEST_WAV, createTestEngine } from '../grpc/testing/test-engine.ts';
import { frames, readPcmWav } from '../grpc/testing/wav.ts';
import { AsrPoolError, type AsrPool, type AsrSessionEvent, type AsrSessionRequest } from './api.ts';
import { createGrpcAsrPool } from './grpc-asr-pool.ts';
import { routingTableFrom } from './routing-table.ts';
import { until } from '../grpc/testing/until.ts';
import { plainSessionRequest } from '../grpc/testing/session-request.ts';

const logger = pino({ name: 'asr-pool-test', level: 'warn' });

const request = plainSessionRequest('pool-test');

let engine: AsrEngine;
let workerA: AsrWorkerServer;
let workerB: AsrWorkerServer;
let blackhole: Server;
let blackholePort: number;
const pools: AsrPool[] = [];

const address = (worker: AsrWorkerServer) => `127.0.0.1:${worker.port}`;

function pool(routes: Record<string, string[]>, acceptTimeoutMs = 2_000): AsrPool {
  const created = createGrpcAsrPool({ routes: routingTableFrom(routes), acceptTimeoutMs, logger });
  pools.push(created);
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<AsrPoolError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AsrPoolError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

beforeAll(async () => {
  engine = await createTestEngine();
  const common = { engine, modelVersions: ['en-default'], port: 0, host: '127.0.0.1', maxOpenStreams: 1, logger };
  workerA = await startAsrWorkerServer({ ...common, workerId: 'A' });
  workerB = await startAsrWorkerServer({ ...common, workerId: 'B' });
  // Accepts TCP connections and never answers: a hung or half-dead worker.
  blackhole = createServer(() => {});
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  blackholePort = (blackhole.address() as { port: number }).port;
});

afterAll(async () => {
  await Promise.all(pools.map((created) => created.close()));
  await Promise.all([workerA?.drain(0), workerB?.drain(0)]);
  blackhole?.close();
  await engine?.close();
});

describe('gRPC AsrPool', () => {
  it('is ready for a label once one of its workers answers the health check with SERVING', async () => {
    const unreachable = `127.0.0.1:${blackholePort}`;
    expect(await pool({ 'en-default': [unreachable] }).ready!('en-default')).toBe(false);
    expect(await pool({ 'en-default': [unreachable, address(workerA)] }).ready!('en-default')).toBe(true);
    expect(await pool({ 'en-default': [address(workerA)] }).ready!('ml-default')).toBe(false);
    // A worker still loading (or draining) says NOT_SERVING: not warm.
    workerB.health.setNotServing();
    try {
      expect(await pool({ 'en-default': [address(workerB)] }).ready!('en-default')).toBe(false);
    } finally {
      workerB.health.setServing();
    }
  });

  it('opens a session on a worker and returns words for a recording', async () => {
    const audio = readPcmWav(TEST_WAV);
    const session = await pool({ 'en-default': [address(workerA)] }).open({ ...request, sampleRate: audio.sampleRate });
    const events: AsrSessionEvent[] = [];
    session.on((event) => events.push(event));
    for (const frame of frames(audio, 100)) session.sendAudio(frame);
    const { audioMs } = await session.finish();
    expect(audioMs).toBeGreaterThan(2_900);
    const finalWords = events.flatMap((event) => (event.kind === 'end_of_turn' ? event.words : []));
    expect(finalWords.length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({ kind: 'finished', audioMs });
    await until(() => workerA.activeStreams === 0);
  });

  it('runs concurrent sessions spread over the workers', async () => {
    const both = pool({ 'en-default': [address(workerA), address(workerB)] });
    const audio = readPcmWav(TEST_WAV);
    const sessions = await Promise.all([both.open(request), both.open(request)]);
    expect([workerA.activeStreams, workerB.activeStreams]).toEqual([1, 1]);
    const results = await Promise.all(
      sessions.map(async (session) => {
        for (const frame of frames(audio, 100)) session.sendAudio(frame);
        return (await session.finish()).audioMs;
      }),
    );
    expect(results.every((audioMs) => audioMs > 2_900)).toBe(true);
    await until(() => workerA.activeStreams === 0 && workerB.activeStreams === 0);
  });

  it('maps a full worker to POOL_FULL, and fails over to a worker with room', async () => {
    const onlyA = pool({ 'en-default': [address(workerA)] });
    const held = await onlyA.open(request);
    expect(workerA.activeStreams).toBe(1);

    const full = await rejection(onlyA.open(request));
    expect(full.code).toBe('POOL_FULL');

    const both = pool({ 'en-default': [address(workerA), address(workerB)] });
    const second = await both.open(request); // round robin starts at A, which is full → B
    expect(workerB.activeStreams).toBe(1);
    expect((await rejection(both.open(request))).code).toBe('POOL_FULL');

    held.cancel();
    second.cancel();
    await until(() => workerA.activeStreams === 0 && workerB.activeStreams === 0);
  });

  it("surfaces the worker's Accepted: who took the session, the model's capabilities, what the session cannot have", async () => {
    const { decodings, keytermDecodings } = engine.model.capabilities;
    const plain = await pool({ 'en-default': [address(workerA)] }).open(request);
    plain.cancel();
    await until(() => workerA.activeStreams === 0);
    expect(plain.accepted).toEqual({ workerId: 'A', modelVersion: 'en-default', modelType: engine.model.type, capabilities: { decodings, keytermDecodings }, warnings: [] });
    // The test engine decodes greedily, which cannot bias toward keyterms.
    const withKeyterms = await pool({ 'en-default': [address(workerA)] }).open({ ...request, keyterms: ['Earshot'] });
    withKeyterms.cancel();
    await until(() => workerA.activeStreams === 0);
    expect(withKeyterms.accepted.warnings).toEqual([expect.stringMatching(/^keyterms_prompt has no effect/)]);
  });

  it('frees the worker stream when the session is cancelled mid-stream', async () => {
    const session = await pool({ 'en-default': [address(workerA)] }).open(request);
    session.sendAudio(new Uint8Array(3200));
    expect(workerA.activeStreams).toBe(1);
    session.cancel();
    await until(() => workerA.activeStreams === 0);
    await expect(session.finish()).rejects.toBeInstanceOf(AsrPoolError);
  });

  it('answers MODEL_NOT_DEPLOYED quickly, from the routing table or from the worker', async () => {
    const routed = pool({ 'en-default': [address(workerA)] });
    expect(routed.serves('u3-pro')).toBe(false);
    let started = Date.now();
    expect((await rejection(routed.open({ ...request, modelVersion: 'u3-pro' }))).code).toBe('MODEL_NOT_DEPLOYED');
    expect(Date.now() - started).toBeLessThan(100);

    const wildcard = pool({ '*': [address(workerA)] });
    started = Date.now();
    const error = await rejection(wildcard.open({ ...request, modelVersion: 'u3-pro' }));
    expect(error.code).toBe('MODEL_NOT_DEPLOYED');
    expect(error.message).toMatch(/u3-pro/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('fails a bad session config with INVALID_ARGUMENT, without trying other workers', async () => {
    const error = await rejection(pool({ 'en-default': [address(workerA), address(workerB)] }).open({ ...request, sampleRate: 3 }));
    expect(error.code).toBe('INVALID_ARGUMENT');
  });

  it('answers UNAVAILABLE within the accept deadline when the worker is unreachable or silent', async () => {
    const refused = pool({ 'en-default': ['127.0.0.1:1'] }, 1_000);
    let started = Date.now();
    expect((await rejection(refused.open(request))).code).toBe('UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1_500);

    const silent = pool({ 'en-default': [`127.0.0.1:${blackholePort}`] }, 500);
    started = Date.now();
    const error = await rejection(silent.open(request));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/within 500 ms/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('fails over past an unreachable worker to a live one', async () => {
    const session = await pool({ 'en-default': ['127.0.0.1:1', address(workerB)] }).open(request);
    expect(workerB.activeStreams).toBe(1);
    session.cancel();
    await until(() => workerB.activeStreams === 0);
  });
});
