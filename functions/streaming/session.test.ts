/**
 * The session state machine without a network: a fake pool and lifecycle, a recording socket.
 * What the conformance tests cannot easily provoke: pool failures, slow worker accept, a client
 * leaving during admission.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AsrPoolError, type AsrAccepted, type AsrPool, type AsrSession, type AsrSessionEvent } from '../../gpu-pool/client/api.ts';
import type { SessionEnd, SessionLifecycle } from '../../runtime/sessions/lifecycle.ts';
import { parseStreamingParams } from './query-params.ts';
import type { Punctuator } from './punctuation/punctuator.ts';
import { StreamingSession, type StreamingConfig } from './session.ts';
import { speechModelTable } from './speech-models.ts';

const config: StreamingConfig = { speechModels: speechModelTable(), rateBurstMs: 60_000, lenientFinalChunk: true, finishTimeoutMs: 1000 };
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function fakeLifecycle(admitDelay = 0) {
  const ended: SessionEnd[] = [];
  const lifecycle: SessionLifecycle = {
    authorize: async (c) => (c.authorization || c.token ? { ok: true, maxSessionSeconds: 10800, billingSubject: 'test' } : { ok: false, code: 1008, reason: 'Unauthorized Connection: Missing Authorization header' }),
    admit: async () => {
      await new Promise((resolve) => setTimeout(resolve, admitDelay));
      return { ok: true };
    },
    end: async (session) => void ended.push(session),
    onLicenceFailed: () => () => undefined,
  };
  return { lifecycle, ended };
}

function fakePool(open: () => Promise<void>, warnings: string[] = []) {
  const received: Uint8Array[] = [];
  const keytermUpdates: string[][] = [];
  let listener: (event: AsrSessionEvent) => void = () => undefined;
  let cancelled = false;
  let forced = 0;
  const accepted: AsrAccepted = { workerId: 'w1', modelVersion: 'en-default', modelType: 't_one_ctc', capabilities: { decodings: ['greedy_search'], keytermDecodings: [] }, warnings };
  const session: AsrSession = {
    accepted,
    sendAudio: (audio) => void received.push(audio),
    forceEndpoint: () => void forced++,
    updateConfiguration: () => undefined,
    updateKeyterms: (keyterms) => void keytermUpdates.push(keyterms),
    finish: async () => {
      listener({ kind: 'end_of_turn', words: [{ text: 'hello', startMs: 0, endMs: 300, confidence: 0.9, isFinal: true }], confidence: 0.8, reason: 'flush', silenceMs: 0 });
      return { audioMs: 100 };
    },
    cancel: () => void (cancelled = true),
    on: (l) => void (listener = l),
  };
  const pool: AsrPool = { open: async () => (await open(), session), serves: (label) => label === 'en-default', close: async () => undefined };
  return { pool, received, keytermUpdates, emit: (event: AsrSessionEvent) => listener(event), isCancelled: () => cancelled, forced: () => forced };
}

function recordingSocket() {
  const sent: Array<Record<string, unknown>> = [];
  const closes: Array<{ code: number; reason: string }> = [];
  /** What the socket reports as queued and unsent; tests set it to play a client that stopped reading. */
  const unread = { bytes: 0 };
  return {
    socket: { send: (text: string) => void sent.push(JSON.parse(text)), close: (code: number, reason: string) => void closes.push({ code, reason }), bufferedAmount: () => unread.bytes },
    sent,
    closes,
    unread,
  };
}

function session(pool: AsrPool, lifecycle: SessionLifecycle, query = 'sample_rate=16000', overrides: Partial<StreamingConfig> = {}) {
  const rec = recordingSocket();
  const s = new StreamingSession(rec.socket, { params: parseStreamingParams(new URLSearchParams(query)), authorization: 'self-hosted' }, { pool, lifecycle, config: { ...config, ...overrides }, logger: pino({ level: 'silent' }) });
  return { s, ...rec };
}

describe('StreamingSession', () => {
  it('sends Begin before the worker accepts, buffers audio meanwhile, and replays it in order', async () => {
    let accept!: () => void;
    const fake = fakePool(() => new Promise<void>((resolve) => (accept = resolve)));
    const { lifecycle, ended } = fakeLifecycle();
    const { s, sent, closes } = session(fake.pool, lifecycle);
    await s.start();
    expect(sent[0]).toMatchObject({ type: 'Begin' });
    s.receive(new Uint8Array(3200).fill(1));
    s.receive(new Uint8Array(3200).fill(2));
    s.receive('{"type":"Terminate"}');
    expect(fake.received).toHaveLength(0);
    accept();
    await tick();
    expect(fake.received.map((frame) => frame[0])).toEqual([1, 2]);
    expect(sent.map((m) => m.type)).toEqual(['Begin', 'Turn', 'Termination']);
    expect(closes).toEqual([{ code: 1000, reason: '' }]);
    expect(ended).toEqual([expect.objectContaining({ reason: 'terminated', audioSeconds: 0.2 })]);
  });

  it("passes UpdateConfiguration's keyterms_prompt to the worker, cut to the limits with a Warning", async () => {
    const fake = fakePool(async () => undefined);
    const { lifecycle } = fakeLifecycle();
    const { s, sent } = session(fake.pool, lifecycle);
    await s.start();
    await tick();
    s.receive(JSON.stringify({ type: 'UpdateConfiguration', keyterms_prompt: ['Earshot', 'gRPC'] }));
    s.receive(JSON.stringify({ type: 'UpdateConfiguration', keyterms_prompt: ['x'.repeat(60)] }));
    s.receive(JSON.stringify({ type: 'UpdateConfiguration', end_of_turn_confidence_threshold: 0.5 }));
    await tick();
    expect(fake.keytermUpdates).toEqual([['Earshot', 'gRPC'], ['x'.repeat(50)]]);
    expect(sent.filter((m) => m.type === 'Warning')).toEqual([expect.objectContaining({ warning_code: 3102 })]);
  });

  it('acknowledge_silence switched on by UpdateConfiguration turns the worker\'s voice activity into Silence messages', async () => {
    const fake = fakePool(async () => undefined);
    const { lifecycle } = fakeLifecycle();
    const { s, sent } = session(fake.pool, lifecycle);
    await s.start();
    await tick();
    const activity = (processedMs: number, silenceMs: number) => fake.emit({ kind: 'voice_activity', processedMs, silenceMs, maxSpeechProbability: 0.1 });
    activity(1200, 1200);
    expect(sent.filter((m) => m.type === 'Silence')).toHaveLength(0); // not asked for
    s.receive(JSON.stringify({ type: 'UpdateConfiguration', acknowledge_silence: true }));
    activity(2400, 2400);
    activity(2700, 2700);
    activity(3000, 0);
    activity(4300, 1100);
    expect(sent.filter((m) => m.type === 'Silence')).toEqual([
      { type: 'Silence', start_ms: 1200, end_ms: 2400 },
      { type: 'Silence', start_ms: 3200, end_ms: 4300 },
    ]);
  });

  it('maps pool failures: full → 3009, not deployed → 3005, unreachable → 3005', async () => {
    for (const [code, expected] of [
      ['POOL_FULL', 3009],
      ['MODEL_NOT_DEPLOYED', 3005],
      ['UNAVAILABLE', 3005],
    ] as const) {
      const fake = fakePool(async () => {
        throw new AsrPoolError(code, 'no');
      });
      const { lifecycle, ended } = fakeLifecycle();
      const { s, sent, closes } = session(fake.pool, lifecycle);
      await s.start();
      await tick();
      expect(sent.at(-1)).toMatchObject({ type: 'Error', error_code: expected });
      expect(closes).toEqual([{ code: expected, reason: sent.at(-1)!.error }]);
      expect(ended).toEqual([expect.objectContaining({ reason: `error:${expected}` })]);
    }
  });

  it('a worker lost mid-session with no other worker to take it ends it with 3005; a vanished client cancels the worker session and is billed once', async () => {
    // The link reopens the session elsewhere (asr-link.test.ts); here the reopen is refused.
    let opens = 0;
    const fake = fakePool(async () => {
      if (opens++ > 0) throw new AsrPoolError('UNAVAILABLE', 'no worker reachable');
    });
    const { lifecycle, ended } = fakeLifecycle();
    const first = session(fake.pool, lifecycle);
    await first.s.start();
    await tick();
    fake.emit({ kind: 'error', error: new AsrPoolError('INTERNAL', 'inference failed') });
    await tick();
    expect(opens).toBe(2);
    expect(first.sent.at(-1)).toEqual({ type: 'Error', error_code: 3005, error: 'Session Cancelled: no en-default ASR worker is reachable' });

    const fake2 = fakePool(async () => undefined);
    const second = session(fake2.pool, lifecycle);
    await second.s.start();
    await tick();
    second.s.socketClosed();
    second.s.socketClosed();
    await tick();
    expect(fake2.isCancelled()).toBe(true);
    expect(ended.map((e) => e.reason)).toEqual(['error:3005', 'client_gone']);
  });

  it('a client that leaves during admission is still released (billed) exactly once, and gets no Begin', async () => {
    const fake = fakePool(async () => undefined);
    const { lifecycle, ended } = fakeLifecycle(20);
    const { s, sent } = session(fake.pool, lifecycle);
    const starting = s.start();
    await tick();
    s.socketClosed();
    await starting;
    await tick();
    expect(sent).toEqual([]);
    expect(ended).toEqual([expect.objectContaining({ reason: 'client_gone' })]);
  });
});

describe('StreamingSession limits on what the gateway sends', () => {
  const word = (text: string, startMs: number, endMs: number) => ({ text, startMs, endMs, confidence: 0.9, isFinal: false });

  it('ends a session whose client stopped reading with 3005 once its unsent messages pass the limit, and frees the worker', async () => {
    const fake = fakePool(async () => undefined);
    const { lifecycle, ended } = fakeLifecycle();
    const { s, sent, closes, unread } = session(fake.pool, lifecycle, 'sample_rate=16000', { outboundBufferLimitBytes: 100_000 });
    await s.start();
    await tick();
    fake.emit({ kind: 'words', words: [word('one', 0, 300)] });
    unread.bytes = 100_000; // at the limit: still fine
    fake.emit({ kind: 'words', words: [word('one', 0, 300), word('two', 300, 600)] });
    expect(closes).toEqual([]);
    unread.bytes = 100_001;
    fake.emit({ kind: 'words', words: [word('one', 0, 300), word('two', 300, 600), word('three', 600, 900)] });
    expect(sent.at(-1)).toEqual({ type: 'Error', error_code: 3005, error: 'Session Cancelled: Client not reading: 98 KiB of messages unsent' });
    expect(closes).toEqual([{ code: 3005, reason: 'Session Cancelled: Client not reading: 98 KiB of messages unsent' }]);
    expect(fake.isCancelled()).toBe(true);
    await tick();
    expect(ended).toHaveLength(1);
    // Nothing more is sent to it.
    const count = sent.length;
    fake.emit({ kind: 'words', words: [word('four', 900, 1200)] });
    expect(sent).toHaveLength(count);
  });

  it('ends a turn that grows past the maximum turn length, as ForceEndpoint does, once per turn', async () => {
    const fake = fakePool(async () => undefined);
    fake.pool.serves = () => true; // a Pro-family model, whose final Turns say why they ended
    const { lifecycle } = fakeLifecycle();
    const { s, sent } = session(fake.pool, lifecycle, 'sample_rate=16000&speech_model=u3-rt-pro', { maxTurnMs: 1000 });
    await s.start();
    await tick();
    fake.emit({ kind: 'words', words: [word('a', 0, 400), word('b', 400, 900)] });
    expect(fake.forced()).toBe(0);
    fake.emit({ kind: 'words', words: [word('a', 0, 400), word('b', 400, 900), word('c', 900, 1000)] });
    expect(fake.forced()).toBe(1);
    fake.emit({ kind: 'words', words: [word('a', 0, 400), word('b', 400, 900), word('c', 900, 1000), word('d', 1000, 1100)] });
    expect(fake.forced()).toBe(1); // already asked for this turn
    fake.emit({ kind: 'end_of_turn', words: [word('a', 0, 400), word('b', 400, 900), word('c', 900, 1000), word('d', 1000, 1100)], confidence: 0.5, reason: 'forced', silenceMs: 0 });
    expect(sent.at(-1)).toMatchObject({ type: 'Turn', end_of_turn: true, transcript: 'a b c d', turn_end_reason: 'max_turn_length' });
    // The next turn is measured from its own first word.
    fake.emit({ kind: 'words', words: [word('e', 1200, 2000)] });
    expect(fake.forced()).toBe(1);
    fake.emit({ kind: 'words', words: [word('e', 1200, 2000), word('f', 2000, 2300)] });
    expect(fake.forced()).toBe(2);
    // A client's own ForceEndpoint keeps its reason.
    fake.emit({ kind: 'end_of_turn', words: [word('e', 1200, 2000), word('f', 2000, 2300)], confidence: 0.5, reason: 'forced', silenceMs: 0 });
    fake.emit({ kind: 'end_of_turn', words: [word('g', 2400, 2500)], confidence: 0.5, reason: 'forced', silenceMs: 0 });
    expect(sent.at(-1)).toMatchObject({ type: 'Turn', end_of_turn: true, transcript: 'g', turn_end_reason: 'force_endpoint' });
  });
});

describe('StreamingSession with a punctuation model', () => {
  const spoken = (text: string, startMs: number) => ({ text, startMs, endMs: startMs + 200, confidence: 0.9, isFinal: true });

  it('sends a formatted final turn before anything that came after it, and Termination last', async () => {
    // A slow model: the next turn's words and the session's end arrive while it runs.
    const punctuator: Punctuator = {
      punctuate: async (words) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return { marks: words.map((_, i) => (i === words.length - 1 ? '?' : i === 0 ? ',' : '')), cases: words.map((w) => (w === 'paris' ? 'capital' : 'lower')) };
      },
    };
    const fake = fakePool(async () => undefined);
    const { lifecycle } = fakeLifecycle();
    const rec = recordingSocket();
    const s = new StreamingSession(rec.socket, { params: parseStreamingParams(new URLSearchParams('sample_rate=16000&format_turns=true')), authorization: 'self-hosted' }, { pool: fake.pool, lifecycle, config, logger: pino({ level: 'silent' }), punctuator });
    await s.start();
    await tick();
    fake.emit({ kind: 'end_of_turn', words: [spoken('well', 0), spoken('is', 300), spoken('it', 500), spoken('paris', 700)], confidence: 0.9, reason: 'confident_silence', silenceMs: 400 });
    fake.emit({ kind: 'words', words: [{ ...spoken('next', 2000), isFinal: false }] });
    s.receive(JSON.stringify({ type: 'Terminate' }));
    await new Promise((resolve) => setTimeout(resolve, 120));
    const types = rec.sent.map((m) => `${m.type}${m.type === 'Turn' ? `:${m.turn_order}:${m.end_of_turn}` : ''}`);
    expect(types).toEqual(['Begin', 'Turn:0:true', 'Turn:1:false', 'Turn:1:true', 'Termination']);
    expect(rec.sent[1]).toMatchObject({ transcript: 'Well, is it Paris?', turn_is_formatted: true });
    expect(rec.closes).toEqual([{ code: 1000, reason: '' }]);
  });

  it('formats by the rules when the model fails, and leaves unformatted sessions alone', async () => {
    const punctuator: Punctuator = { punctuate: async () => Promise.reject(new Error('model crashed')) };
    const fake = fakePool(async () => undefined);
    const { lifecycle } = fakeLifecycle();
    for (const [query, transcript] of [['format_turns=true', 'Hello there.'], ['format_turns=false', 'hello there']] as const) {
      const rec = recordingSocket();
      const s = new StreamingSession(rec.socket, { params: parseStreamingParams(new URLSearchParams(`sample_rate=16000&${query}`)), authorization: 'self-hosted' }, { pool: fake.pool, lifecycle, config, logger: pino({ level: 'silent' }), punctuator });
      await s.start();
      await tick();
      fake.emit({ kind: 'end_of_turn', words: [spoken('hello', 0), spoken('there', 300)], confidence: 0.9, reason: 'confident_silence', silenceMs: 400 });
      await tick();
      expect(rec.sent.at(-1)).toMatchObject({ type: 'Turn', end_of_turn: true, transcript });
    }
  });
});

describe('StreamingSession handshake details (issue 24)', () => {
  it('a min_turn_silence above the default max_turn_silence is refused before Begin, not by the worker after it', async () => {
    const fake = fakePool(async () => undefined);
    const { lifecycle } = fakeLifecycle();
    const { s, sent, closes } = session(fake.pool, lifecycle, 'sample_rate=16000&min_turn_silence=5000');
    await s.start();
    expect(sent).toEqual([{ type: 'Error', error_code: 3006, error: 'Invalid Query Parameter: min_turn_silence (5000) exceeds max_turn_silence (1280)' }]);
    expect(closes).toEqual([{ code: 3006, reason: 'Invalid Query Parameter: min_turn_silence (5000) exceeds max_turn_silence (1280)' }]);
  });

  it('the keyterms Warning 3102 comes after Begin', async () => {
    const fake = fakePool(async () => undefined);
    const { lifecycle } = fakeLifecycle();
    const terms = encodeURIComponent(JSON.stringify(Array.from({ length: 101 }, (_, i) => `term ${i}`)));
    const { s, sent } = session(fake.pool, lifecycle, `sample_rate=16000&keyterms_prompt=${terms}`);
    await s.start();
    expect(sent.map((m) => m.type)).toEqual(['Begin', 'Warning']);
    expect(sent[1]).toMatchObject({ warning_code: 3102 });
  });

  it("what the worker's model cannot do for the session (Accepted.warnings) reaches the client as Warning 3104, after Begin", async () => {
    const cannot = "keyterms_prompt has no effect: the t_one_ctc model's greedy_search does not use keyterms; no search of this model can bias toward them";
    const fake = fakePool(async () => undefined, [cannot]);
    const { lifecycle } = fakeLifecycle();
    const { s, sent } = session(fake.pool, lifecycle, `sample_rate=16000&keyterms_prompt=${encodeURIComponent(JSON.stringify(['Earshot']))}`);
    await s.start();
    await tick();
    expect(sent).toEqual([expect.objectContaining({ type: 'Begin' }), { type: 'Warning', warning_code: 3104, warning: cannot }]);
  });

  it("a worker's refusal of a setting names the setting, not the worker's address", async () => {
    const fake = fakePool(async () => undefined);
    const { lifecycle } = fakeLifecycle();
    const { s, sent } = session(fake.pool, lifecycle);
    await s.start();
    await tick();
    fake.emit({ kind: 'error', error: new AsrPoolError('INVALID_ARGUMENT', 'invalid update_configuration: vad_threshold must be at most 1 (worker 10.1.2.3:50051, INVALID_ARGUMENT)') });
    expect(sent.at(-1)).toEqual({ type: 'Error', error_code: 3006, error: 'Invalid Query Parameter: vad_threshold must be at most 1' });
  });
});
