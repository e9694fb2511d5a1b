/**
 * The link's worker failover with a scripted pool (the real thing, separate processes and a
 * SIGKILL, is in runtime/scale-out-e2e.test.ts): what is replayed to the next worker, how its
 * words are put in session time, and what the session sees.
 */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AsrPoolError, type AsrPool, type AsrSession, type AsrSessionEvent, type AsrSessionRequest, type RecognizedWord } from '../../gpu-pool/client/api.ts';
import { AsrLink } from './asr-link.ts';
import { TurnBuilder } from './turn-builder.ts';

const request: AsrSessionRequest = { sessionId: 's', modelVersion: 'en-default', sampleRate: 16000, encoding: 'pcm_s16le', turnDetection: {}, keyterms: [], formatTurns: false };
const logger = pino({ level: 'silent' });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
/** `ms` of 16 kHz pcm_s16le, its first byte tagged so a test can tell frames apart. */
const frame = (ms: number, tag: number) => {
  const audio = new Uint8Array(32 * ms);
  audio[0] = tag;
  return audio;
};
const word = (text: string, startMs: number, endMs: number, isFinal: boolean): RecognizedWord => ({ text, startMs, endMs, confidence: 0.9, isFinal });

/** What the session makes of the events (turn-builder.ts). */
function turnMessages(events: AsrSessionEvent[]) {
  const turns = new TurnBuilder(false);
  return events.flatMap((event) =>
    event.kind === 'words' ? [turns.partial(event.words)] : event.kind === 'end_of_turn' ? [turns.endOfTurn(event.words, event.confidence)] : [],
  );
}

interface FakeWorker {
  audio: Uint8Array[];
  emit(event: AsrSessionEvent): void;
  finishes: number;
  cancelled: boolean;
  configs: AsrSessionRequest[];
}

/** Each open() is one worker session; `refuse` makes the n-th open fail. */
function scriptedPool(refuse: Record<number, AsrPoolError> = {}) {
  const workers: FakeWorker[] = [];
  const pool: AsrPool = {
    async open(req) {
      const refusal = refuse[workers.length];
      if (refusal) {
        workers.push(undefined as unknown as FakeWorker);
        throw refusal;
      }
      let listener: (event: AsrSessionEvent) => void = () => undefined;
      const worker: FakeWorker = { audio: [], emit: (event) => listener(event), finishes: 0, cancelled: false, configs: [req] };
      workers.push(worker);
      const session: AsrSession = {
        accepted: { workerId: `w${workers.length}`, modelVersion: req.modelVersion, modelType: 't_one_ctc', capabilities: { decodings: ['greedy_search'], keytermDecodings: [] }, warnings: [] },
        sendAudio: (audio) => void worker.audio.push(audio),
        forceEndpoint: () => undefined,
        updateConfiguration: () => undefined,
        updateKeyterms: () => undefined,
        finish: async () => {
          worker.finishes++;
          return new Promise(() => undefined); // answered by the test with a 'finished' event
        },
        cancel: () => void (worker.cancelled = true),
        on: (l) => void (listener = l),
      };
      return session;
    },
    serves: () => true,
    close: async () => undefined,
  };
  return { pool, workers };
}

describe('AsrLink failover', () => {
  it('reopens on another worker with the session replayed, keeps the turns the client has, no final word lost or repeated', async () => {
    const { pool, workers } = scriptedPool();
    const events: AsrSessionEvent[] = [];
    const link = new AsrLink(pool, request, (event) => events.push(event), { logger });
    for (let index = 0; index < 10; index++) link.sendAudio(frame(200, index)); // 0–2000 ms
    await tick();
    const first = workers[0];
    expect(first.audio.map((audio) => audio[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Turn 0 ends after the worker decoded 1000 ms; in turn 1 'one' is final, 'two' tentative.
    first.emit({ kind: 'voice_activity', processedMs: 1000, silenceMs: 400, maxSpeechProbability: 0.1 });
    first.emit({ kind: 'end_of_turn', words: [word('hello', 100, 600, true)], confidence: 0.9, reason: 'confident_silence', silenceMs: 400 });
    first.emit({ kind: 'words', words: [word('one', 1200, 1500, true), word('two', 1600, 1900, false)] });
    first.emit({ kind: 'error', error: new AsrPoolError('UNAVAILABLE', 'Connection dropped') });
    link.sendAudio(frame(200, 10)); // arrives while reopening: buffered, replayed in order
    await tick();

    const second = workers[1];
    // Everything from the start, then the new frame.
    expect(second.audio.map((audio) => audio[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The new worker hears turn 0 again (dropped: the client has it), then turn 1.
    second.emit({ kind: 'words', words: [word('hello', 100, 600, false)] });
    second.emit({ kind: 'end_of_turn', words: [word('hello', 100, 600, true)], confidence: 0.9, reason: 'confident_silence', silenceMs: 400 });
    second.emit({ kind: 'words', words: [word('one', 1200, 1500, true), word('two', 1600, 1900, true), word('three', 2000, 2150, false)] });
    second.emit({ kind: 'end_of_turn', words: [word('one', 1200, 1500, true), word('two', 1600, 1900, true), word('three', 2000, 2150, true)], confidence: 0.8, reason: 'flush', silenceMs: 0 });
    const messages = turnMessages(events);
    const finals = messages.filter((message) => message?.end_of_turn).map((message) => [message!.turn_order, message!.transcript]);
    expect(finals).toEqual([
      [0, 'hello'],
      [1, 'one two three'],
    ]);
    expect(messages.at(-1)!.words.map((w) => [w.text, w.start, w.end])).toEqual([
      ['one', 1200, 1500],
      ['two', 1600, 1900],
      ['three', 2000, 2150],
    ]);
    expect(events.some((event) => event.kind === 'error')).toBe(false);
  });

  it('a turn longer than the buffer: replays what is kept, keeps the final words and takes the new words after them', async () => {
    const { pool, workers } = scriptedPool();
    const events: AsrSessionEvent[] = [];
    const link = new AsrLink(pool, request, (event) => events.push(event), { logger, replayLimitMs: 1000 });
    for (let index = 0; index < 10; index++) link.sendAudio(frame(200, index)); // one long turn, 0–2000 ms
    await tick();
    workers[0].emit({ kind: 'words', words: [word('one', 100, 400, true), word('two', 500, 800, true), word('three', 1300, 1500, false)] });
    workers[0].emit({ kind: 'error', error: new AsrPoolError('UNAVAILABLE', 'gone') });
    await tick();
    expect(workers[0].audio.map((audio) => audio[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // nothing goes before the first worker accepted
    expect(workers[1].audio.map((audio) => audio[0])).toEqual([5, 6, 7, 8, 9]); // the last 1000 ms
    // From 1000 ms: 'three' again, then 'four'; nothing before 'two' ended (800 ms) is in there.
    workers[1].emit({ kind: 'end_of_turn', words: [word('three', 300, 500, true), word('four', 600, 900, true)], confidence: 0.8, reason: 'flush', silenceMs: 0 });
    const last = turnMessages(events).at(-1)!;
    expect([last.end_of_turn, last.transcript]).toEqual([true, 'one two three four']);
    expect(last.words.map((w) => w.start)).toEqual([100, 500, 1300, 1600]);
  });

  it('finish() survives a worker lost while finishing: the next worker finishes, in session time', async () => {
    const { pool, workers } = scriptedPool();
    const link = new AsrLink(pool, request, () => undefined, { logger });
    link.sendAudio(frame(100, 1));
    const finished = link.finish();
    await tick();
    expect(workers[0].finishes).toBe(1);
    workers[0].emit({ kind: 'error', error: new AsrPoolError('INTERNAL', 'Received RST_STREAM with code 2') });
    await tick();
    expect(workers[1].finishes).toBe(1);
    expect(workers[1].audio.map((audio) => audio[0])).toEqual([1]);
    workers[1].emit({ kind: 'finished', audioMs: 100 });
    await expect(finished).resolves.toEqual({ audioMs: 100 });
  });

  it('reopens with the configuration as updated since the start', async () => {
    const { pool, workers } = scriptedPool();
    const link = new AsrLink(pool, { ...request, keyterms: ['a'] }, () => undefined, { logger });
    await tick();
    link.updateConfiguration({ maxTurnSilenceMs: 900 });
    link.updateKeyterms(['b', 'c']);
    workers[0].emit({ kind: 'error', error: new AsrPoolError('UNAVAILABLE', 'gone') });
    await tick();
    expect(workers[1].configs[0]).toMatchObject({ turnDetection: { maxTurnSilenceMs: 900 }, keyterms: ['b', 'c'] });
  });

  it('reports the error when no worker takes the session, or the error is not the worker going away', async () => {
    // The first worker dies and the reopen is refused: that refusal is what the session sees.
    const unavailable = new AsrPoolError('UNAVAILABLE', 'no worker reachable');
    const scripted = scriptedPool({ 1: unavailable });
    const seen: AsrSessionEvent[] = [];
    const link = new AsrLink(scripted.pool, request, (event) => seen.push(event), { logger });
    const finished = link.finish();
    await tick();
    scripted.workers[0].emit({ kind: 'error', error: new AsrPoolError('UNAVAILABLE', 'Connection dropped') });
    await tick();
    expect(seen).toEqual([{ kind: 'error', error: unavailable }]);
    await expect(finished).rejects.toBe(unavailable);

    // A session the worker refuses for its own reasons is not retried elsewhere.
    const invalid = scriptedPool();
    const got: AsrSessionEvent[] = [];
    new AsrLink(invalid.pool, request, (event) => got.push(event), { logger });
    await tick();
    const bad = new AsrPoolError('INVALID_ARGUMENT', 'bad option');
    invalid.workers[0].emit({ kind: 'error', error: bad });
    await tick();
    expect(invalid.workers.length).toBe(1);
    expect(got).toEqual([{ kind: 'error', error: bad }]);
  });

});
