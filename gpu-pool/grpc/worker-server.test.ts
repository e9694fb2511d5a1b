import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsrEngine } from '../engine/api.ts';
import { pino } from 'pino';
import type { WireRecognizeResponse } from '../proto/messages.ts';
import { ASR_SERVICE_NAME } from '../proto/proto.ts';
import { TEST_WAV, createTestEngine } from './testing/test-engine.ts';
import { firstResponse, healthCheck, openRawCall, outcomeOf, recognizerClient } from './testing/raw-client.ts';
import { frames, readPcmWav } from './testing/wav.ts';
import { startAsrWorkerServer, type AsrWorkerServer } from './worker-server.ts';
import { until } from './testing/until.ts';

const logger = pino({ name: 'worker-server-test', level: 'warn' });

const config = { sessionId: 's', modelVersion: 'en-default', sampleRate: 16000, encoding: 'PCM_S16LE' as const };

let engine: AsrEngine;
let worker: AsrWorkerServer;
let client: grpc.Client;

beforeAll(async () => {
  engine = await createTestEngine();
  worker = await startAsrWorkerServer({ engine, modelVersions: ['en-default'], port: 0, host: '127.0.0.1', maxOpenStreams: 2, logger });
  client = recognizerClient(`127.0.0.1:${worker.port}`);
});

afterAll(async () => {
  client?.close();
  await worker?.drain(0);
  await engine?.close();
});

describe('asr worker gRPC server', () => {
  it('reports SERVING on grpc.health.v1 for the server and the recognizer service', async () => {
    expect(await healthCheck(`127.0.0.1:${worker.port}`)).toBe('SERVING');
    expect(await healthCheck(`127.0.0.1:${worker.port}`, ASR_SERVICE_NAME)).toBe('SERVING');
  });

  it('accepts a session, returns words for a recording, and finishes with the audio duration', async () => {
    const audio = readPcmWav(TEST_WAV);
    const call = openRawCall(client, 'en-default');
    const outcome = outcomeOf(call);
    call.write({ config: { ...config, sampleRate: audio.sampleRate } });
    for (const frame of frames(audio, 100)) call.write({ audio: frame });
    call.write({ finish: {} });
    call.end();
    const { responses, status } = await outcome;
    expect(status.code).toBe(grpc.status.OK);
    const kinds = responses.map((response) => response.event);
    expect(kinds[0]).toBe('accepted');
    expect(kinds.at(-1)).toBe('finished');
    const turns = responses.filter((response): response is Extract<WireRecognizeResponse, { endOfTurn: unknown }> => response.event === 'endOfTurn');
    const words = turns.flatMap((turn) => turn.endOfTurn.words ?? []);
    expect(words.length).toBeGreaterThan(0);
    expect(words.every((word) => word.isFinal && word.text.length > 0)).toBe(true);
    const finished = responses.at(-1) as Extract<WireRecognizeResponse, { finished: unknown }>;
    expect(Math.abs(Number(finished.finished.audioMs) - (audio.bytes.length / 2 / audio.sampleRate) * 1000)).toBeLessThan(2);
    expect(worker.activeStreams).toBe(0);
  });

  it("Accepted carries the model's capabilities and the stream's warnings (keyterms with a search that ignores them)", async () => {
    const call = openRawCall(client, 'en-default');
    call.on('error', () => {});
    call.write({ config: { ...config, keyterms: ['Earshot'] } });
    try {
      const first = await firstResponse(call);
      expect(first.event).toBe('accepted');
      const { accepted } = first as Extract<WireRecognizeResponse, { accepted: unknown }>;
      const { decodings, keytermDecodings } = engine.model.capabilities;
      expect(decodings.length).toBeGreaterThan(0);
      expect(accepted.capabilities).toEqual({ decodings, ...(keytermDecodings.length > 0 ? { keytermDecodings } : {}) });
      // The test engine decodes greedily, so the keyterms cannot be used, and Accepted says so.
      expect(accepted.warnings).toEqual([expect.stringMatching(/^keyterms_prompt has no effect: .*greedy_search does not use keyterms/)]);
    } finally {
      call.cancel();
      await until(() => worker.activeStreams === 0);
    }
  });

  it('refuses the MAX_OPEN_STREAMS+1-th call with RESOURCE_EXHAUSTED', async () => {
    const open = [openRawCall(client), openRawCall(client)];
    for (const call of open) call.write({ config });
    await Promise.all(open.map(firstResponse));
    expect(worker.activeStreams).toBe(2);
    const extra = openRawCall(client);
    const outcome = outcomeOf(extra);
    extra.write({ config });
    const { status } = await outcome;
    expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(status.details).toMatch(/MAX_OPEN_STREAMS/);
    for (const call of open) call.cancel();
    await until(() => worker.activeStreams === 0);
  });

  it('frees the stream and its slot when the client cancels mid-stream', async () => {
    const call = openRawCall(client);
    call.on('error', () => {});
    call.write({ config });
    await firstResponse(call);
    call.write({ audio: new Uint8Array(3200) });
    expect(worker.activeStreams).toBe(1);
    const engineStreamsBefore = engine.activeStreams;
    call.cancel();
    await until(() => worker.activeStreams === 0);
    await until(() => engine.activeStreams === engineStreamsBefore - 1);
  });

  it("answers the gateway's cancel message by freeing the stream and ending the call with CANCELLED, no final events", async () => {
    const call = openRawCall(client);
    const outcome = outcomeOf(call);
    call.write({ config });
    await firstResponse(call);
    call.write({ audio: new Uint8Array(3200) });
    const engineStreamsBefore = engine.activeStreams;
    call.write({ cancel: {} });
    call.end();
    const { responses, status } = await outcome;
    expect(status.code).toBe(grpc.status.CANCELLED);
    expect(responses.map((response) => response.event)).not.toContain('finished');
    expect(worker.activeStreams).toBe(0);
    await until(() => engine.activeStreams === engineStreamsBefore - 1);
  });

  it('fails a bad session config with INVALID_ARGUMENT', async () => {
    const call = openRawCall(client);
    const outcome = outcomeOf(call);
    call.write({ config: { ...config, sampleRate: 12, turnDetection: { vadThreshold: 3 } } });
    const { status } = await outcome;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/sampleRate/);
    const tooLong = openRawCall(client);
    const tooLongOutcome = outcomeOf(tooLong);
    tooLong.write({ config: { ...config, keyterms: ['x'.repeat(51)] } });
    expect((await tooLongOutcome).status.details).toMatch(/keyterms/);
  });

  it('applies a valid update_configuration and force_endpoint, and refuses an invalid update with INVALID_ARGUMENT', async () => {
    const call = openRawCall(client);
    const outcome = outcomeOf(call);
    call.write({ config });
    await until(() => worker.activeStreams === 1);
    call.write({ updateConfiguration: { maxTurnSilenceMs: 2000 } });
    call.write({ forceEndpoint: {} });
    call.write({ updateConfiguration: { minTurnSilenceMs: 5000 } }); // above max_turn_silence_ms
    const { status } = await outcome;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/min_turn_silence \(5000\) exceeds max_turn_silence \(2000\)/);
    await until(() => worker.activeStreams === 0);
  });

  it('applies valid keyterms updates and refuses ones beyond the limits with INVALID_ARGUMENT', async () => {
    const call = openRawCall(client);
    const outcome = outcomeOf(call);
    call.write({ config });
    await until(() => worker.activeStreams === 1);
    call.write({ updateKeyterms: { terms: ['Earshot', 'gRPC'] } });
    call.write({ updateKeyterms: {} }); // clears them
    call.write({ updateKeyterms: { terms: Array.from({ length: 101 }, (_, i) => `term${i}`) } });
    const { status } = await outcome;
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/update_keyterms/);
    await until(() => worker.activeStreams === 0);
  });

  it('fails a call whose first message is not config with INVALID_ARGUMENT', async () => {
    const call = openRawCall(client);
    const outcome = outcomeOf(call);
    call.write({ audio: new Uint8Array(320) });
    expect((await outcome).status.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('fails a model version it does not serve with NOT_FOUND', async () => {
    const call = openRawCall(client, 'ml-default');
    const outcome = outcomeOf(call);
    call.write({ config: { ...config, modelVersion: 'ml-default' } });
    const { status } = await outcome;
    expect(status.code).toBe(grpc.status.NOT_FOUND);
    expect(status.details).toMatch(/ml-default/);
  });
});

describe('asr worker drain', () => {
  it('goes NOT_SERVING, refuses new calls with UNAVAILABLE and lets a live call finish', async () => {
    const draining = await startAsrWorkerServer({ engine, modelVersions: ['en-default'], port: 0, host: '127.0.0.1', logger });
    const address = `127.0.0.1:${draining.port}`;
    const drainClient = recognizerClient(address);
    const live = openRawCall(drainClient);
    const liveOutcome = outcomeOf(live);
    live.write({ config });
    await until(() => draining.activeStreams === 1);

    const drained = draining.drain(10_000);
    expect(await healthCheck(address)).toBe('NOT_SERVING');
    const late = openRawCall(drainClient);
    const lateOutcome = outcomeOf(late);
    late.write({ config });
    expect((await lateOutcome).status.code).toBe(grpc.status.UNAVAILABLE);

    live.write({ audio: new Uint8Array(16000) });
    live.write({ finish: {} });
    live.end();
    const { status, responses } = await liveOutcome;
    expect(status.code).toBe(grpc.status.OK);
    expect(responses.at(-1)?.event).toBe('finished');
    await drained;
    drainClient.close();
  });

  it('ends calls that outlive the grace period with UNAVAILABLE', async () => {
    const draining = await startAsrWorkerServer({ engine, modelVersions: ['en-default'], port: 0, host: '127.0.0.1', logger });
    const drainClient = recognizerClient(`127.0.0.1:${draining.port}`);
    const live = openRawCall(drainClient);
    const outcome = outcomeOf(live);
    live.write({ config });
    await until(() => draining.activeStreams === 1);
    await draining.drain(200);
    expect((await outcome).status.code).toBe(grpc.status.UNAVAILABLE);
    expect(draining.activeStreams).toBe(0);
    drainClient.close();
  });
});
