/**
 * infra/nginx_streaming_asr.conf routes by x-model-version: the real nginx, started on loopback
 * with the committed config templated to local worker ports, in front of real gRPC workers.
 * Needs the Debian package `nginx` (CI: apt-get install -y nginx); skipped with a message without it.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsrEngine } from '../engine/api.ts';
import { pino } from 'pino';
import { startAsrWorkerServer, type AsrWorkerServer } from '../grpc/worker-server.ts';
import { TEST_WAV, createTestEngine } from '../grpc/testing/test-engine.ts';
import { frames, readPcmWav } from '../grpc/testing/wav.ts';
import { AsrPoolError, type AsrPool, type AsrSessionEvent, type AsrSessionRequest } from './api.ts';
import { createGrpcAsrPool } from './grpc-asr-pool.ts';
import { parseRoutingTable } from './routing-table.ts';
import { freePort } from '../grpc/testing/free-port.ts';
import { h2Get, hasNginx, startRouter } from '../../infra/testing/nginx-router.ts';
import { plainSessionRequest } from '../grpc/testing/session-request.ts';

const nginxInstalled = hasNginx();
if (!nginxInstalled) console.warn('nginx router test skipped: nginx is not installed (Debian: apt-get install -y nginx)');

const logger = pino({ name: 'nginx-router-test', level: 'warn' });

const request = plainSessionRequest('router-test');

describe.skipIf(!nginxInstalled)('nginx gRPC router (infra/nginx_streaming_asr.conf)', () => {
  let engine: AsrEngine;
  let english: AsrWorkerServer;
  let multilingual: AsrWorkerServer;
  let nginx: ChildProcess;
  let dir: string;
  let routerPort: number;
  let pool: AsrPool;

  beforeAll(async () => {
    engine = await createTestEngine();
    const common = { engine, port: 0, host: '127.0.0.1', logger };
    english = await startAsrWorkerServer({ ...common, modelVersions: ['en-default', 'default'], workerId: 'english' });
    multilingual = await startAsrWorkerServer({ ...common, modelVersions: ['ml-default'], workerId: 'multilingual' });
    dir = mkdtempSync(join(tmpdir(), 'earshot-nginx-'));
    routerPort = await freePort();
    const backends = {
      'streaming-asr-english': english.port,
      'streaming-asr-multilang': multilingual.port,
      'streaming-asr-u3pro': await freePort(), // nothing listens: a label whose workers are down
    };
    nginx = await startRouter(routerPort, backends, dir);
    pool = createGrpcAsrPool({ routes: parseRoutingTable(`*=127.0.0.1:${routerPort}`), acceptTimeoutMs: 3_000, logger });
  });

  afterAll(async () => {
    await pool?.close();
    nginx?.kill('SIGTERM');
    await Promise.all([english?.drain(0), multilingual?.drain(0)]);
    await engine?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function openedOn(modelVersion: string): Promise<string> {
    const session = await pool.open({ ...request, modelVersion });
    const where = english.activeStreams === 1 ? 'english' : multilingual.activeStreams === 1 ? 'multilingual' : 'nowhere';
    session.cancel();
    const deadline = Date.now() + 5_000;
    while (english.activeStreams + multilingual.activeStreams > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return where;
  }

  it('answers /nginx_health', async () => {
    expect(await h2Get(routerPort, '/nginx_health')).toEqual({ status: 200, body: 'OK\n' });
  });

  it('routes en-default, default and a missing label to English, ml-default to multilingual', async () => {
    expect(await openedOn('en-default')).toBe('english');
    expect(await openedOn('default')).toBe('english');
    expect(await openedOn('')).toBe('english');
    expect(await openedOn('ml-default')).toBe('multilingual');
  });

  it('carries a whole session through the router', async () => {
    const audio = readPcmWav(TEST_WAV);
    const session = await pool.open({ ...request, sampleRate: audio.sampleRate });
    const events: AsrSessionEvent[] = [];
    session.on((event) => events.push(event));
    for (const frame of frames(audio, 100)) session.sendAudio(frame);
    await session.finish();
    expect(events.flatMap((event) => (event.kind === 'end_of_turn' ? event.words : [])).length).toBeGreaterThan(0);
  });

  it('answers an unknown label with MODEL_NOT_DEPLOYED at once', async () => {
    const started = Date.now();
    const error = await pool.open({ ...request, modelVersion: 'xx-unknown' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AsrPoolError);
    expect((error as AsrPoolError).code).toBe('MODEL_NOT_DEPLOYED');
    expect((error as AsrPoolError).message).toMatch(/xx-unknown.*not deployed/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('answers a label whose workers are down with UNAVAILABLE', async () => {
    const error = await pool.open({ ...request, modelVersion: 'u3-pro' }).catch((caught: unknown) => caught);
    expect((error as AsrPoolError).code).toBe('UNAVAILABLE');
    expect((error as AsrPoolError).message).toMatch(/no ASR worker reachable/);
  });
});
