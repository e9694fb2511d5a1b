/**
 * Spec conformance over the real stack: a real `ws` client → gateway (Hono + node-ws) → gRPC on
 * loopback → ASR worker → engine with the project's model. One server for the file; each test
 * opens its own sessions, and a session streaming alongside the bad ones must finish cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile, type AudioFile } from '../../gpu-pool/engine/testing/audio-files.ts';
import { TEST_WAV } from '../../gpu-pool/grpc/testing/test-engine.ts';
import { inverseNormalize } from './itn/normalize.ts';
import { startTestServer, streamAudio, TestClient, type TestServer } from './testing/harness.ts';

let server: TestServer;
let audio: AudioFile;
const bytes = (ms: number, rate = 16000) => new Uint8Array(Math.round((rate * ms) / 1000) * 2);

beforeAll(async () => {
  // A small burst allowance keeps the faster-than-real-time test short.
  server = await startTestServer({ AUDIO_RATE_BURST_SECONDS: '5' });
  audio = await readAudioFile(TEST_WAV);
});
afterAll(async () => server?.stop());

const open = (query = '', headers?: Record<string, string>, path = '/v3/ws') => new TestClient(`${server.url}${path}?sample_rate=16000${query}`, headers);

/**
 * Opens a session whose turn detection ends no turn by itself within this audio, and no idle rule
 * that would end the session (and so the turn) while the test waits; streams 2 s of speech (at
 * `speed`) until words come, then `endTurn` must end that turn, with words, and the session must
 * still be open and close cleanly.
 */
async function expectTurnEndedBy(speed: number, endTurn: (client: TestClient) => Promise<void>, beforeAudio?: (client: TestClient) => void) {
  const client = open('&min_turn_silence=60000&max_turn_silence=60000&end_of_turn_confidence_threshold=1');
  try {
    await client.type('Begin');
    beforeAudio?.(client);
    await streamAudio(client, audio.samples.subarray(0, 16000 * 2), 16000, 100, speed);
    await client.next((m) => m.type === 'Turn' && (m.words as unknown[]).length > 0);
    await endTurn(client);
    const ended = await client.next((m) => m.type === 'Turn' && m.end_of_turn === true, 3000);
    expect((ended.words as unknown[]).length).toBeGreaterThan(0);
    expect(client.ofType('Termination')).toEqual([]);
    client.send({ type: 'Terminate' });
    expect((await client.closed).code).toBe(1000);
  } finally {
    // A failure here must not leave a live session behind for the tests after it.
    client.socket.terminate();
  }
}

async function expectError(client: TestClient, code: number, text: RegExp | string) {
  const error = await client.type('Error');
  expect(error).toEqual({ type: 'Error', error_code: code, error: expect.stringMatching(text) });
  const closed = await client.closed;
  expect(closed.code).toBe(code);
  expect(Buffer.byteLength(closed.reason)).toBeLessThanOrEqual(123);
  expect(client.messages.at(-1)).toBe(error);
  // Close reasons are capped at 123 bytes: long texts point at the Error message instead.
  expect(closed.reason).toBe(Buffer.byteLength(error.error as string) <= 123 ? error.error : 'See Error message for details');
  return error;
}

/** A healthy session: Begin, Turns with integer times, Termination with integers, close 1000. */
async function fullSession(query = '&format_turns=true', path = '/v3/ws') {
  const started = performance.now();
  const client = open(query, undefined, path);
  const begin = await client.type('Begin');
  const beginMs = performance.now() - started;
  await streamAudio(client, audio.samples, audio.sampleRate, 100, 3);
  client.send('{"type": "Terminate"}');
  const closed = await client.closed;
  return { client, begin, beginMs, closed };
}

describe('v3 streaming conformance', () => {
  it('Begin well under 1 s, Turns, SpeechStarted, Termination, close 1000 (paths /, /v3/ws, /v3/ws/)', async () => {
    const results = await Promise.all([fullSession('&format_turns=true', '/v3/ws'), fullSession('', '/'), fullSession('&format_turns=False', '/v3/ws/')]);
    for (const { client, begin, beginMs, closed } of results) {
      // The Node SDK gives up at 1000 ms (TLS + upgrade + Begin); leave room for a loaded CI machine.
      expect(beginMs).toBeLessThan(800);
      expect(client.messages[0]).toBe(begin);
      expect(begin).toMatchObject({ type: 'Begin', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(Number.isInteger(begin.expires_at)).toBe(true);
      expect(begin.expires_at as number).toBeGreaterThan(Date.now() / 1000 + 10_700);
      expect(closed.code).toBe(1000);

      const turns = client.ofType('Turn');
      expect(turns.length).toBeGreaterThan(0);
      for (const turn of turns) {
        expect(Object.keys(turn).sort()).toEqual(['end_of_turn', 'end_of_turn_confidence', 'transcript', 'turn_is_formatted', 'turn_order', 'type', 'utterance', 'words']);
        expect(turn).not.toHaveProperty('error');
        for (const word of turn.words as Array<Record<string, unknown>>) {
          expect(Number.isInteger(word.start) && Number.isInteger(word.end)).toBe(true);
          expect(Object.keys(word).sort()).toEqual(['confidence', 'end', 'start', 'text', 'word_is_final']);
        }
        const finals = (turn.words as Array<{ text: string; word_is_final: boolean }>).filter((w) => w.word_is_final).map((w) => w.text);
        // A formatted final transcript is the words in written form ("$25"), the words themselves as spoken.
        expect(turn.transcript).toBe(turn.turn_is_formatted && turn.end_of_turn ? inverseNormalize(finals.join(' ')) : finals.join(' '));
      }
      const ends = turns.filter((turn) => turn.end_of_turn);
      expect(ends.length).toBeGreaterThan(0);
      for (const end of ends) expect(end.utterance).toBe(end.transcript);
      // Immutable finals: a final word is never changed by a later message of the same turn. A
      // formatted end of turn is the one message allowed to punctuate and case them.
      const seen = new Map<string, string>();
      let compared = 0;
      for (const turn of turns) {
        const formattedEnd = turn.turn_is_formatted && turn.end_of_turn;
        (turn.words as Array<{ start: number; text: string; word_is_final: boolean }>).forEach((word, index) => {
          if (formattedEnd) return;
          const key = `${turn.turn_order}:${index}`;
          if (seen.has(key)) {
            expect(word.text).toBe(seen.get(key));
            compared += 1;
          }
          if (word.word_is_final) seen.set(key, word.text);
        });
      }
      // The audio is long enough for words to become final before their turn ends, in every session.
      expect(compared).toBeGreaterThan(0);

      // The VAD runs in every session (Silero from npm, so also in a clone without ../shared).
      const speech = client.ofType('SpeechStarted');
      expect(speech.length).toBeGreaterThan(0);
      for (const event of speech) expect(event).toEqual({ type: 'SpeechStarted', timestamp: expect.any(Number), confidence: expect.any(Number) });
      const termination = client.messages.at(-1)!;
      expect(termination).toEqual({ type: 'Termination', audio_duration_seconds: Math.round(audio.samples.length / audio.sampleRate), session_duration_seconds: expect.any(Number) });
      expect(Number.isInteger(termination.session_duration_seconds)).toBe(true);
    }
    // turn_is_formatted only where the formatter ran.
    expect(results[0].client.ofType('Turn').every((turn) => turn.turn_is_formatted)).toBe(true);
    expect(results[1].client.ofType('Turn').some((turn) => turn.turn_is_formatted)).toBe(false);
    const formattedEnd = results[0].client.ofType('Turn').find((turn) => turn.end_of_turn)!;
    expect(formattedEnd.transcript).toMatch(/^[A-Z0-9'].*[.?!]$/);
  });

  it('ForceEndpoint ends the open turn at once, with no silence after it; KeepAlive is accepted', async () => {
    await expectTurnEndedBy(
      2,
      async (client) => {
        expect(client.ofType('Turn').filter((turn) => turn.end_of_turn)).toEqual([]);
        client.send({ type: 'ForceEndpoint' });
      },
      (client) => client.send({ type: 'KeepAlive' }),
    );
  });

  it('UpdateConfiguration mid-session changes turn detection: a pause ends the turn that the opening settings would keep open', async () => {
    await expectTurnEndedBy(4, async (client) => {
      client.send({ type: 'UpdateConfiguration', min_turn_silence: 100, max_turn_silence: 300 });
      await streamAudio(client, new Int16Array(16000 * 2), 16000, 100, 4);
    });
  });

  it('a missing Authorization header gets Error 1008 and close 1008; the token query parameter is not required', async () => {
    const client = open('', {});
    await expectError(client, 1008, /^Unauthorized Connection: Missing Authorization header$/);
    expect(client.ofType('Begin')).toHaveLength(0);
  });

  it('a temporary token from GET /v3/token works once, in the query, and caps expires_at', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/v3/token?expires_in_seconds=60&max_session_duration_seconds=120`, { headers: { Authorization: 'self-hosted' } });
    const { token } = (await response.json()) as { token: string };
    const client = new TestClient(`${server.url}/v3/ws?token=${encodeURIComponent(token)}&sample_rate=16000`, {});
    const begin = await client.type('Begin');
    expect(begin.expires_at as number).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 120);
    client.send({ type: 'Terminate' });
    expect((await client.closed).code).toBe(1000);
    const reused = new TestClient(`${server.url}/v3/ws?token=${encodeURIComponent(token)}&sample_rate=16000`, {});
    await expectError(reused, 1008, /^Unauthorized Connection: /);
  });

  it('invalid parameters, unknown models and models this server does not serve get 3006 before Begin', async () => {
    await expectError(new TestClient(`${server.url}/v3/ws?sample_rate=abc`), 3006, /sample_rate must be an integer/);
    await expectError(open('&encoding=flac'), 3006, /encoding 'flac' is not supported/);
    await expectError(open('&speech_model=nonsense-model'), 3006, /speech_model 'nonsense-model' is not a known model/);
    await expectError(open('&speech_model=u3-rt-pro'), 3006, /^Invalid Query Parameter: speech_model 'u3-rt-pro' \(u3-pro\) is not supported by this server$/);
  });

  it('bad text frames get 3006: non-JSON, non-object, unknown type', async () => {
    for (const [frame, text] of [
      ['hello there', /^Invalid JSON: hello there$/],
      ['[]', /^Invalid Message: \[\]$/],
      ['{"type":"Dance"}', /^Invalid Message Type: Dance$/],
    ] as const) {
      const client = open();
      await client.type('Begin');
      client.send(frame);
      await expectError(client, 3006, text);
    }
  });

  it('frames of 10 ms and of 2 s get 3007 with their duration', async () => {
    const short = open();
    await short.type('Begin');
    short.sendAudio(bytes(10));
    short.sendAudio(bytes(10));
    await expectError(short, 3007, /^Input duration violation: 10 ms\. Expected between 50 and 1000 ms$/);

    const long = open();
    await long.type('Begin');
    long.sendAudio(bytes(2000));
    await expectError(long, 3007, /^Input duration violation: 2000 ms\. Expected between 50 and 1000 ms$/);

    // One short last frame before Terminate is forgiven.
    const last = open();
    await last.type('Begin');
    last.sendAudio(bytes(100));
    last.sendAudio(bytes(20));
    last.send({ type: 'Terminate' });
    expect((await last.closed).code).toBe(1000);
  });

  it('audio far faster than real time gets 3007 Audio Transmission Rate Exceeded', async () => {
    const client = open();
    await client.type('Begin');
    for (let i = 0; i < 8; i++) client.sendAudio(bytes(1000));
    await expectError(client, 3007, /^Audio Transmission Rate Exceeded: Received \d+\.\d sec\. audio in \d+\.\d+ sec$/);
  });

  it('a client that vanishes mid-session frees its worker session; concurrent sessions keep working', async () => {
    const healthy = fullSession('&format_turns=true');
    const vanishing = open();
    await vanishing.type('Begin');
    await streamAudio(vanishing, audio.samples.subarray(0, 8000), 16000, 100, 1);
    vanishing.socket.terminate();
    const { closed, client } = await healthy;
    expect(closed.code).toBe(1000);
    expect(client.ofType('Turn').length).toBeGreaterThan(0);
    // The gateway forgot the vanished session.
    await expect.poll(() => server.embedded.gateway.live.size, { timeout: 5000 }).toBe(0);
    expect((await server.embedded.gateway.sessions.activeSessions()).gateway).toBe(0);
  });

  it('inactivity_timeout ends an idle session with Termination and close 1000', async () => {
    const client = open('&inactivity_timeout=5');
    await client.type('Begin');
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(client.messages.at(-1)).toMatchObject({ type: 'Termination', audio_duration_seconds: 0 });
  }, 15_000);

  it('serves health, metrics and /v1/status on the main port', async () => {
    const http = `http://127.0.0.1:${server.port}`;
    for (const path of ['/v3/ws/health', '/v3/health']) expect((await fetch(`${http}${path}`)).status).toBe(200);
    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).toMatch(/earshot_active_sessions/);
    expect(metrics).toMatch(/earshot_session_errors_total\{code="3006"\}/);
    expect(metrics).toMatch(/earshot_word_emission_delay_seconds_bucket/);
    expect(await (await fetch(`${http}/v1/status`)).json()).toHaveProperty('state');
  });
});

describe('session limits', () => {
  it('ends a session at its maximum duration with 3008', async () => {
    const short = await startTestServer({ MAX_SESSION_DURATION_SECONDS: '2' });
    try {
      const client = new TestClient(`${short.url}/v3/ws?sample_rate=16000`);
      const begin = await client.type('Begin');
      expect(begin.expires_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 2);
      const error = await client.type('Error', 10_000);
      expect(error).toEqual({ type: 'Error', error_code: 3008, error: 'Session Expired: Maximum session duration exceeded' });
      expect((await client.closed).code).toBe(3008);
    } finally {
      await short.stop();
    }
  });
});
