/**
 * Conformance with the protocol as AssemblyAI's self-hosted stack v1.2 speaks it (docs/streaming-v3.md
 * §11), over the real stack like conformance.test.ts: universal-3-6-pro routing, handshake-time 3006,
 * Heartbeat, acknowledge_silence → Silence, the Pro family's final-Turn fields and the idle rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudioFile, type AudioFile } from '../../gpu-pool/engine/testing/audio-files.ts';
import { TEST_WAV } from '../../gpu-pool/grpc/testing/test-engine.ts';
import { idleCloseReason } from '../../runtime/config/limits.ts';
import { startTestServer, streamAudio, TestClient, type TestServer } from './testing/harness.ts';

let server: TestServer;
let audio: AudioFile;

beforeAll(async () => {
  // The Pro names are routed to the one (en-default) worker, so their dialect can be checked here;
  // a short idle rule keeps its test short.
  server = await startTestServer({ SPEECH_MODEL_ROUTES: 'u3-rt-pro=en-default', IDLE_SESSION_TIMEOUT_SECONDS: '2' });
  audio = await readAudioFile(TEST_WAV);
});
afterAll(async () => server?.stop());

const open = (query = '') => new TestClient(`${server.url}/v3/ws?sample_rate=16000${query}`);

/** The committed speech, then `silenceMs` of digital silence, at 4× real time; then Terminate. */
async function speakThenPause(client: TestClient, silenceMs: number) {
  await client.type('Begin');
  // One buffer: only the very last frame may be shorter than 50 ms.
  const samples = new Int16Array(audio.samples.length + (audio.sampleRate * silenceMs) / 1000);
  samples.set(audio.samples);
  await streamAudio(client, samples, audio.sampleRate, 100, 4);
  client.send({ type: 'Terminate' });
  return client.closed;
}

describe('self-hosted v1.2 protocol', () => {
  it('an unsupported speech_model is refused at the handshake with 3006, before Begin', async () => {
    // universal-3-6-pro goes to the u3-pro workers, and this server has none.
    for (const model of ['universal-3-6-pro', 'universal-3-5-pro']) {
      const client = open(`&speech_model=${model}`);
      const error = await client.type('Error');
      expect(error).toEqual({ type: 'Error', error_code: 3006, error: expect.stringMatching(new RegExp(`^Invalid Query Parameter: speech_model '${model}' \\(.+\\) is not supported by this server$`)) });
      expect((await client.closed).code).toBe(3006);
      expect(client.ofType('Begin')).toHaveLength(0);
    }
  });

  it('session_heartbeat=true: a Heartbeat every second with the session counters', async () => {
    const client = open('&session_heartbeat=true');
    await client.type('Begin');
    await streamAudio(client, audio.samples.subarray(0, 16000 * 2), 16000, 100, 1);
    await client.next(() => client.ofType('Heartbeat').length >= 2, 5000);
    client.send({ type: 'Terminate' });
    expect((await client.closed).code).toBe(1000);
    const beats = client.ofType('Heartbeat');
    for (const beat of beats) {
      expect(Object.keys(beat).sort()).toEqual(['max_speech_probability', 'realtime_factor', 'total_audio_received_ms', 'total_duration_ms', 'type']);
      expect(Number.isInteger(beat.total_audio_received_ms) && Number.isInteger(beat.total_duration_ms)).toBe(true);
      expect(beat.max_speech_probability as number).toBeGreaterThanOrEqual(0);
      expect(beat.max_speech_probability as number).toBeLessThanOrEqual(1);
    }
    const [first, second] = beats;
    expect(second.total_duration_ms as number).toBeGreaterThanOrEqual((first.total_duration_ms as number) + 900);
    expect(second.total_audio_received_ms as number).toBeGreaterThan(0);
    // Sent at real time: the factor is about 1.
    expect(second.realtime_factor as number).toBeGreaterThan(0.5);
    expect(second.realtime_factor as number).toBeLessThan(1.5);
    // The committed sentence is speech: some second of it was heard as such.
    expect(Math.max(...beats.map((beat) => beat.max_speech_probability as number))).toBeGreaterThan(0.5);
    // Not asked for: none.
    const quiet = open();
    await quiet.type('Begin');
    await new Promise((resolve) => setTimeout(resolve, 1300));
    quiet.send({ type: 'Terminate' });
    await quiet.closed;
    expect(quiet.ofType('Heartbeat')).toHaveLength(0);
  });

  it('acknowledge_silence=true: a Silence about once a second of a pause, none while speaking or when not asked', async () => {
    const asked = open('&acknowledge_silence=true');
    const unasked = open();
    const [closed, closedUnasked] = await Promise.all([speakThenPause(asked, 3500), speakThenPause(unasked, 3500)]);
    expect(closed.code).toBe(1000);
    expect(closedUnasked.code).toBe(1000);
    expect(unasked.ofType('Silence')).toHaveLength(0);

    const silences = asked.ofType('Silence');
    for (const silence of silences) {
      expect(Object.keys(silence).sort()).toEqual(['end_ms', 'start_ms', 'type']);
      expect(Number.isInteger(silence.start_ms) && Number.isInteger(silence.end_ms)).toBe(true);
      expect((silence.end_ms as number) - (silence.start_ms as number)).toBeGreaterThanOrEqual(1000);
    }
    // Consecutive stretches: each starts where the previous one ended or later, never before.
    for (let i = 1; i < silences.length; i++) expect(silences[i].start_ms as number).toBeGreaterThanOrEqual(silences[i - 1].end_ms as number);
    // The trailing 3.5 s pause: reported at least twice, the second stretch right after the first.
    const speechEnd = audio.samples.length / 16;
    const trailing = silences.filter((silence) => (silence.end_ms as number) > speechEnd + 1000);
    expect(trailing.length).toBeGreaterThanOrEqual(2);
    expect(trailing[1].start_ms).toBe(trailing[0].end_ms);
    // No Silence covers a word.
    const words = asked.ofType('Turn').filter((turn) => turn.end_of_turn).flatMap((turn) => turn.words as Array<{ start: number; end: number }>);
    for (const silence of silences) {
      for (const word of words) expect(word.end <= (silence.start_ms as number) || word.start >= (silence.end_ms as number)).toBe(true);
    }
  });

  it('Pro models: final Turns carry silence_before_eot_ms and turn_end_reason; Universal ones do not', async () => {
    const pro = open('&speech_model=u3-rt-pro');
    const universal = open('&speech_model=universal-streaming-english');
    const closes = await Promise.all([speakThenPause(pro, 2000), speakThenPause(universal, 2000)]);
    expect(closes.map((closed) => closed.code)).toEqual([1000, 1000]);
    const proTurns = pro.ofType('Turn');
    const ends = proTurns.filter((turn) => turn.end_of_turn);
    expect(ends.length).toBeGreaterThan(0);
    for (const end of ends) {
      expect(Number.isInteger(end.silence_before_eot_ms)).toBe(true);
      expect(end.silence_before_eot_ms as number).toBeGreaterThanOrEqual(0);
      expect(['end_of_turn_confidence', 'max_turn_silence', 'force_endpoint', 'session_end']).toContain(end.turn_end_reason);
    }
    // The 2 s pause ends the turn by silence (not by Terminate), after at least min_turn_silence.
    const bySilence = ends.filter((end) => end.turn_end_reason === 'end_of_turn_confidence' || end.turn_end_reason === 'max_turn_silence');
    expect(bySilence.length).toBeGreaterThan(0);
    for (const end of bySilence) expect(end.silence_before_eot_ms as number).toBeGreaterThanOrEqual(100);
    // Partials never carry them, and the Universal model never does.
    for (const turn of [...proTurns.filter((t) => !t.end_of_turn), ...universal.ofType('Turn')]) {
      expect(turn).not.toHaveProperty('silence_before_eot_ms');
      expect(turn).not.toHaveProperty('turn_end_reason');
    }
  });

  it('the idle rule: a client that sends nothing is ended with Termination and close 1000, even without inactivity_timeout', async () => {
    const idle = open();
    await idle.type('Begin');
    const started = performance.now();
    const closed = await idle.closed;
    expect(performance.now() - started).toBeGreaterThan(1500);
    expect(closed).toEqual({ code: 1000, reason: idleCloseReason(2) });
    expect(idle.messages.at(-1)).toMatchObject({ type: 'Termination', audio_duration_seconds: 0 });

    // KeepAlive counts as sending; an explicit inactivity_timeout replaces the rule.
    const alive = open('&inactivity_timeout=5');
    await alive.type('Begin');
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      alive.send({ type: 'KeepAlive' });
    }
    expect(alive.socket.readyState).toBe(alive.socket.OPEN);
    alive.send({ type: 'Terminate' });
    expect((await alive.closed).code).toBe(1000);
  }, 20_000);
});
