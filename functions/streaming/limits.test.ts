/**
 * The limits of limits.ts against the real embedded server: each hostile client is ended (or
 * refused) with its documented code, the process keeps a bounded heap, and a healthy session
 * running at the same time gets the same transcript as on a quiet server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile, type AudioFile } from '../../gpu-pool/engine/testing/audio-files.ts';
import type { AsrEngine } from '../../gpu-pool/engine/api.ts';
import { createTestEngine, TEST_WAV } from '../../gpu-pool/grpc/testing/test-engine.ts';
import { startTestServer, streamAudio, TestClient, type TestServer } from './testing/harness.ts';
import { heapUsedMb } from './testing/heap.ts';
import { REFUSED_HANDSHAKES, rawUpgrade } from './testing/raw-upgrade.ts';
import { CONTROL_MESSAGE_BURST, LARGEST_AUDIO_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../../runtime/config/limits.ts';

let server: TestServer;
let engine: AsrEngine;
let audio: AudioFile;
let reference: string;

/** One whole session on the test recording at 4× real time; its end-of-turn transcripts. */
async function healthySession(on = server): Promise<string> {
  const client = await wholeSession(on);
  return client
    .ofType('Turn')
    .filter((turn) => turn.end_of_turn)
    .map((turn) => turn.transcript)
    .join(' | ');
}

async function wholeSession(on: TestServer): Promise<TestClient> {
  const client = new TestClient(`${on.url}/v3/ws?sample_rate=${audio.sampleRate}`);
  await client.type('Begin');
  await streamAudio(client, audio.samples, audio.sampleRate, 100, 4);
  client.send({ type: 'Terminate' });
  await client.type('Termination');
  expect((await client.closed).code).toBe(1000);
  return client;
}

beforeAll(async () => {
  engine = await createTestEngine();
  server = await startTestServer({}, engine);
  audio = await readAudioFile(TEST_WAV);
  reference = await healthySession();
  expect(reference.length).toBeGreaterThan(0);
});

afterAll(async () => {
  await server?.stop();
  await engine?.close();
});

describe('streaming limits', () => {
  it('refused handshakes leave nothing behind, and a concurrent session is unaffected', async () => {
    const before = await heapUsedMb();
    const healthy = healthySession();
    for (let round = 0; round < 5; round += 1) {
      for (const headers of Object.values(REFUSED_HANDSHAKES)) {
        const answers = await Promise.all(Array.from({ length: 50 }, () => rawUpgrade(server.port, '/v3/ws', headers)));
        expect(new Set(answers)).toEqual(new Set(['HTTP/1.1 400 Bad Request']));
      }
    }
    expect(await healthy).toBe(reference);
    // 1000 requests with 10 KB headers: about 15 MB if each were kept.
    expect((await heapUsedMb()) - before).toBeLessThan(5);
  });

  it('ends a session flooding UpdateConfiguration with 3007, with a bounded heap, and a concurrent session is unaffected', async () => {
    const before = await heapUsedMb();
    const healthy = healthySession();
    const flooder = new TestClient(`${server.url}/v3/ws?sample_rate=16000`);
    await flooder.type('Begin');
    let sent = 0;
    // Fresh 100 × 50-character keyterm lists, as fast as the socket takes them.
    while (flooder.socket.readyState === flooder.socket.OPEN && sent < 20_000) {
      const keyterms = Array.from({ length: 100 }, (_, i) => `${sent}-${i}-`.padEnd(50, 'k'));
      flooder.send({ type: 'UpdateConfiguration', keyterms_prompt: keyterms });
      sent += 1;
      if (sent % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const error = await flooder.type('Error');
    expect(error).toMatchObject({ error_code: 3007, error: expect.stringMatching(/^Message Rate Exceeded: Received \d+ control messages/) });
    expect((await flooder.closed).code).toBe(3007);
    expect(await healthy).toBe(reference);
    expect((await heapUsedMb()) - before).toBeLessThan(10);
  });

  it(`lets a session send a burst of ${CONTROL_MESSAGE_BURST} control messages`, async () => {
    const client = new TestClient(`${server.url}/v3/ws?sample_rate=16000`);
    await client.type('Begin');
    for (let i = 0; i < CONTROL_MESSAGE_BURST - 1; i += 1) client.send({ type: 'UpdateConfiguration', keyterms_prompt: [`term ${i}`] });
    client.send({ type: 'Terminate' });
    await client.type('Termination');
    expect((await client.closed).code).toBe(1000);
    expect(client.ofType('Error')).toEqual([]);
  });

  it('closes a socket sending a message over the size limit with 1009; the largest legal frame is fine', async () => {
    const healthy = healthySession();
    const greedy = new TestClient(`${server.url}/v3/ws?sample_rate=16000`);
    await greedy.type('Begin');
    greedy.sendAudio(new Uint8Array(MAX_MESSAGE_BYTES + 1));
    const notClosed = new Promise<{ code: number }>((resolve) => setTimeout(() => resolve({ code: -1 }), 5_000).unref());
    expect((await Promise.race([greedy.closed, notClosed])).code).toBe(1009);

    const largest = new TestClient(`${server.url}/v3/ws?sample_rate=96000`);
    await largest.type('Begin');
    largest.sendAudio(new Uint8Array(LARGEST_AUDIO_FRAME_BYTES)); // 1000 ms of 96 kHz silence
    largest.send({ type: 'Terminate' });
    await largest.type('Termination');
    expect((await largest.closed).code).toBe(1000);
    expect(await healthy).toBe(reference);
  });
});

describe('maximum turn length', () => {
  it('ends a turn whose words span past MAX_TURN_SECONDS; every word still arrives, in order', async () => {
    const cut = await startTestServer({ MAX_TURN_SECONDS: '1' }, engine);
    try {
      const finals = (client: TestClient) => client.ofType('Turn').filter((turn) => turn.end_of_turn) as unknown as Array<{ words: Array<{ start: number; end: number; text: string }>; transcript: string }>;
      const whole = finals(await wholeSession(server));
      const limited = finals(await wholeSession(cut));
      const longest = Math.max(...whole.map((turn) => turn.words.at(-1)!.end - turn.words[0]!.start));
      expect(longest).toBeGreaterThan(1000); // the recording has a turn longer than the limit
      expect(limited.length).toBeGreaterThan(whole.length);
      for (const turn of limited) {
        // Cut once its words reach 1 s, plus what the worker decoded before it took the endpoint.
        expect(turn.words.at(-1)!.end - turn.words[0]!.start).toBeLessThan(2000);
      }
      const words = (turns: typeof whole) => turns.flatMap((turn) => turn.words.map((word) => word.start));
      const starts = words(limited);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      process.stdout.write(`[max turn] ${whole.length} turns (longest ${longest} ms) -> ${limited.length} turns; words ${words(whole).length} -> ${starts.length}\n[max turn] whole:   ${whole.map((t) => t.transcript).join(' | ')}\n[max turn] limited: ${limited.map((t) => t.transcript).join(' | ')}\n`);
      expect(Math.abs(starts.length - words(whole).length)).toBeLessThanOrEqual(Math.max(2, words(whole).length * 0.2));
    } finally {
      await cut.stop();
    }
  });
});

describe('audio budget per client across sessions', () => {
  it('bursting just under 60 s, hanging up and reconnecting ends the next burst with 3007', async () => {
    const budgeted = await startTestServer({ CLIENT_AUDIO_BURST_SECONDS: '60' }, engine);
    try {
      const silence = new Uint8Array(32_000); // 1000 ms of 16 kHz pcm_s16le
      const first = new TestClient(`${budgeted.url}/v3/ws?sample_rate=16000`);
      await first.type('Begin');
      for (let i = 0; i < 58; i++) first.sendAudio(silence);
      first.socket.close();
      await first.closed;
      const second = new TestClient(`${budgeted.url}/v3/ws?sample_rate=16000`);
      await second.type('Begin');
      for (let i = 0; i < 10 && second.socket.readyState === second.socket.OPEN; i++) second.sendAudio(silence);
      const error = await second.type('Error');
      expect(error).toMatchObject({ error_code: 3007, error: expect.stringMatching(/^Audio Transmission Rate Exceeded: this client's sessions are 6\d\.\d s of audio ahead of real time \(at most 60 s together\)$/) });
      expect((await second.closed).code).toBe(3007);
    } finally {
      await budgeted.stop();
    }
  });
});
