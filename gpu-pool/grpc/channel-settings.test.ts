/**
 * The rules of channel-settings.ts on loopback, with every timer shortened so a rollover happens
 * in milliseconds: a live session must outlast channel refreshes (what connection age did) and
 * a storm of sessions cancelled by their clients, and lose nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsrEngine } from '../engine/api.ts';
import { pino } from 'pino';
import type { AsrPool, AsrSession, AsrSessionEvent, AsrSessionRequest } from '../client/api.ts';
import { createGrpcAsrPool } from '../client/grpc-asr-pool.ts';
import { routingTableFrom } from '../client/routing-table.ts';
import { CHANNEL_TIMINGS, type ChannelTimings } from './channel-settings.ts';
import { TEST_WAV, createTestEngine } from './testing/test-engine.ts';
import { until } from './testing/until.ts';
import { frames, readPcmWav, type PcmAudio } from './testing/wav.ts';
import { startAsrWorkerServer, type AsrWorkerServer } from './worker-server.ts';
import { plainSessionRequest } from './testing/session-request.ts';

const logger = pino({ name: 'channel-settings-test', level: 'warn' });

// Pings every 50 ms both ways: a ping on a connection that got GOAWAY fails within one interval.
const fast: ChannelTimings = {
  ...CHANNEL_TIMINGS,
  keepaliveTimeMs: 50,
  keepaliveTimeoutMs: 2_000,
  workerKeepaliveTimeMs: 50,
  workerKeepaliveTimeoutMs: 2_000,
  channelRefreshMs: 100,
};

const request = plainSessionRequest('live');

let engine: AsrEngine;
let worker: AsrWorkerServer;
let audio: PcmAudio;
const pools: AsrPool[] = [];

function pool(channelTimings: ChannelTimings = fast): AsrPool {
  const created = createGrpcAsrPool({
    routes: routingTableFrom({ 'en-default': [`127.0.0.1:${worker.port}`] }),
    channelTimings,
    logger,
  });
  pools.push(created);
  return created;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Streams the recording at `frameGapMs` per 100 ms frame, while `during` runs; returns what came back. */
async function liveSession(target: AsrPool, frameGapMs: number, during: () => Promise<void>) {
  const session: AsrSession = await target.open(request);
  const events: AsrSessionEvent[] = [];
  session.on((event) => events.push(event));
  const background = during();
  for (const frame of frames(audio, 100)) {
    session.sendAudio(frame);
    await sleep(frameGapMs);
  }
  await background;
  const finished = await session.finish().catch((error: Error) => error);
  const errors = events.filter((event) => event.kind === 'error');
  const transcript = events
    .flatMap((event) => (event.kind === 'end_of_turn' ? event.words : []))
    .map((word) => word.text)
    .join(' ');
  return { finished, errors, transcript };
}

beforeAll(async () => {
  audio = readPcmWav(TEST_WAV);
  engine = await createTestEngine();
  worker = await startAsrWorkerServer({
    engine,
    modelVersions: ['en-default'],
    port: 0,
    host: '127.0.0.1',
    maxOpenStreams: 64,
    channelTimings: fast,
    logger,
  });
});

afterAll(async () => {
  await Promise.all(pools.map((created) => created.close()));
  await worker?.drain(0);
  await engine?.close();
});

describe('gateway↔worker channel settings', () => {
  let reference = '';
  const audioMs = () => Math.round((audio.bytes.length / 2 / audio.sampleRate) * 1000);

  it('a reference run: the recording through one quiet channel', async () => {
    const { finished, errors, transcript } = await liveSession(pool(), 0, async () => {});
    expect(errors).toEqual([]);
    expect(finished).toEqual({ audioMs: audioMs() });
    expect(transcript.length).toBeGreaterThan(0);
    reference = transcript;
  });

  it('keeps a live call through channel rollovers (pings every 50 ms on every connection)', async () => {
    const target = pool();
    let rollovers = 0;
    const { finished, errors, transcript } = await liveSession(target, 20, async () => {
      // A new session every 150 ms, each on a fresh channel (refresh 100 ms): the live call's
      // channel is replaced many times while pings run every 50 ms on every connection.
      for (let i = 0; i < 8; i += 1) {
        await sleep(150);
        const short = await target.open({ ...request, sessionId: `short-${i}` });
        short.sendAudio(audio.bytes.subarray(0, 3200));
        await short.finish();
        rollovers += 1;
      }
    });
    expect(rollovers).toBe(8);
    expect(errors).toEqual([]);
    expect(finished).toEqual({ audioMs: audioMs() });
    expect(transcript).toBe(reference);
    await until(() => worker.activeStreams === 0);
  });

  it('keeps a live call while other clients open and drop sessions as fast as they can', async () => {
    // One channel for everything, so every cancel lands on the live call's connection.
    const target = pool({ ...fast, channelRefreshMs: 3_600_000 });
    let dropped = 0;
    const { finished, errors, transcript } = await liveSession(target, 20, async () => {
      // Past the HTTP/2 rapid-reset guard's burst (1000 resets): each of these would be one reset
      // if the gateway cancelled with RST_STREAM.
      const churners = Array.from({ length: 4 }, async () => {
        while (dropped < 1_400) {
          const session = await target.open({ ...request, sessionId: `churn-${dropped}` });
          session.sendAudio(audio.bytes.subarray(0, 1600));
          session.cancel();
          dropped += 1;
        }
      });
      await Promise.all(churners);
    });
    expect(dropped).toBeGreaterThanOrEqual(1_400);
    expect(errors).toEqual([]);
    expect(finished).toEqual({ audioMs: audioMs() });
    expect(transcript).toBe(reference);
    // The cancel message freed every slot on the worker.
    await until(() => worker.activeStreams === 0);
  });
});
