/**
 * The session's link to the ASR pool. Opening a worker session can take a while (routing, a
 * worker's admission, model warm-up), and Begin must not wait for it (spec §1.2: the Node SDK
 * gives up after 1 s). So the link opens in the background and queues everything the client sends
 * meanwhile — audio included — and replays it in order once a worker accepted the session.
 *
 * It also survives its worker: when the worker dies mid-session (UNAVAILABLE, a reset stream,
 * INTERNAL) the link opens the session on another worker and replays the session's audio from
 * the start, or its last 30 s (replay-buffer.ts). The engine is deterministic, so the new worker
 * hears it as the lost one did: its words of the turns the client already has (before the
 * previous turn's last word) are dropped, its times shifted to session time, and turn-builder.ts
 * keeps the turn's words already sent as final, so the client sees one continuous turn: no error,
 * no lost or repeated final words, the same turn_order. When the current turn itself began
 * before the buffer does, the new worker's words before the last final word are dropped and the
 * turn's final words put in front of its own (the words after them may then differ a little
 * from what the lost worker would have said: less context). Only when no worker takes the
 * session does the client get the error (3005).
 */
import { AsrPoolError, type AsrPool, type AsrSession, type AsrSessionEvent, type AsrSessionRequest, type RecognizedWord, type TurnDetectionOptions } from '../../gpu-pool/client/api.ts';
import { createLogger, type Logger } from '../../runtime/logger.ts';
import { frameDurationMs } from './audio-frames.ts';
import { ReplayBuffer } from './replay-buffer.ts';

type Operation = (session: AsrSession) => void;

export interface AsrLinkOptions {
  /** Audio kept for a replay (ms); past it the oldest goes. */
  replayLimitMs?: number;
  /** Worker losses one session survives. */
  maxReopens?: number;
  logger?: Logger;
}

export const REPLAY_LIMIT_MS = 30_000;
const MAX_REOPENS = 3;

/** Mid-session failures another worker may not have: the worker or the hop went away, or it failed this stream. */
function worthReopening(error: AsrPoolError): boolean {
  return error.code === 'UNAVAILABLE' || error.code === 'INTERNAL' || error.code === 'POOL_FULL';
}

export class AsrLink {
  private session: AsrSession | undefined;
  private failed: AsrPoolError | undefined;
  private cancelled = false;
  private done = false;
  private queue: Operation[] = [];
  private readonly request: AsrSessionRequest;
  private readonly replay: ReplayBuffer;
  private readonly replayLimitMs: number;
  private readonly maxReopens: number;
  private readonly log: Logger;
  private reopens = 0;
  private connected = false;
  /** Session time at which the current worker's stream starts (its time 0). */
  private offsetMs = 0;
  /** End of the last finalised word (session time). */
  private committedEndMs = 0;
  /** Where the current turn's audio starts (session time): the previous turn's end, in its silence. */
  private turnStartMs = 0;
  /** End of the previous turn's last word: a new worker's words before it are not this turn's. */
  private previousTurnEndMs = 0;
  /** A new worker's words that end mostly before this are dropped (already sent). */
  private dropBeforeMs = 0;
  /** The current turn's finalised words (session time), and those put in front of a new worker's words. */
  private turnFinal: RecognizedWord[] = [];
  private prefix: RecognizedWord[] = [];
  private lastProcessedMs = 0;
  private finishing: { promise: Promise<{ audioMs: number }>; resolve: (value: { audioMs: number }) => void; reject: (error: Error) => void } | undefined;
  readonly opened: Promise<AsrSession>;

  constructor(
    private readonly pool: AsrPool,
    request: AsrSessionRequest,
    private readonly onEvent: (event: AsrSessionEvent) => void,
    options: AsrLinkOptions = {},
  ) {
    this.request = { ...request, turnDetection: { ...request.turnDetection }, keyterms: [...request.keyterms] };
    this.replayLimitMs = options.replayLimitMs ?? REPLAY_LIMIT_MS;
    this.maxReopens = options.maxReopens ?? MAX_REOPENS;
    this.log = options.logger ?? createLogger('asr-link', { sessionId: request.sessionId });
    this.replay = new ReplayBuffer((audio) => frameDurationMs(audio.byteLength, request.sampleRate, request.encoding), this.replayLimitMs);
    this.opened = this.connect();
    // Failures are reported through onEvent; callers awaiting `opened` handle them there too.
    this.opened.catch(() => undefined);
  }

  /** Opens a worker session, replays the buffered audio and the queued operations onto it. */
  private connect(): Promise<AsrSession> {
    return this.pool.open({ ...this.request, turnDetection: { ...this.request.turnDetection }, keyterms: [...this.request.keyterms] }).then(
      (session) => {
        if (this.cancelled) {
          session.cancel();
          throw new AsrPoolError('INTERNAL', 'session cancelled while opening');
        }
        this.session = session;
        this.connected = true;
        this.offsetMs = this.replay.startMs;
        session.on((event) => this.fromWorker(session, event));
        for (const frame of this.replay.contents()) session.sendAudio(frame.audio);
        const queued = this.queue;
        this.queue = [];
        for (const operation of queued) operation(session);
        if (this.finishing) this.finishOn(session);
        this.replay.trim();
        return session;
      },
      (error: unknown) => {
        const failure = error instanceof AsrPoolError ? error : new AsrPoolError('INTERNAL', (error as Error)?.message ?? String(error));
        this.giveUp(failure);
        throw failure;
      },
    );
  }

  private giveUp(failure: AsrPoolError): void {
    if (this.failed) return;
    this.failed = failure;
    this.queue = [];
    this.finishing?.reject(failure);
    if (!this.cancelled) this.onEvent({ kind: 'error', error: failure });
  }

  /** The worker is gone: the same session on another one, from shortly before the last final word. */
  private reopen(cause: AsrPoolError): void {
    this.session = undefined;
    this.reopens += 1;
    if (this.replay.startMs <= this.turnStartMs) {
      // The whole turn is buffered: the new worker hears it from its start, after what it replays of the earlier ones.
      this.prefix = [];
      this.dropBeforeMs = this.previousTurnEndMs;
    } else {
      // Longer than the buffer: keep the final words, take the new worker's after them.
      this.prefix = [...this.turnFinal];
      this.dropBeforeMs = this.committedEndMs;
    }
    const started = performance.now();
    this.log.warn({ err: cause.message, code: cause.code, reopen: this.reopens, replayMs: Math.round(this.replay.endMs - this.replay.startMs), lostMs: Math.round(this.replay.lostMs) }, 'ASR worker lost mid-session: reopening on another worker');
    this.connect().then(
      () => this.log.info({ reopenMs: Math.round(performance.now() - started) }, 'session reopened on another worker'),
      () => undefined,
    );
  }

  private fromWorker(session: AsrSession, event: AsrSessionEvent): void {
    if (session !== this.session || this.cancelled || this.failed) return;
    switch (event.kind) {
      case 'words': {
        const words = this.rebase(event.words);
        if (words.length === 0) return;
        this.noteFinal(words);
        this.onEvent({ ...event, words });
        return;
      }
      case 'end_of_turn': {
        const words = this.rebase(event.words);
        // A turn the client already has, heard again in the replay (workers end turns only with words).
        if (words.length === 0) return;
        this.turnFinal = [];
        this.prefix = [];
        if (words.length > 0) {
          this.commit(words[words.length - 1].endMs);
          this.previousTurnEndMs = this.committedEndMs;
        }
        // The worker decoded at least up to its last progress report: the next turn starts after it.
        this.turnStartMs = Math.max(this.turnStartMs, this.committedEndMs, this.lastProcessedMs);
        this.onEvent({ ...event, words });
        return;
      }
      case 'speech_started': {
        const timestampMs = event.timestampMs + this.offsetMs;
        // Onsets inside the replayed pre-roll were already reported by the lost worker.
        if (timestampMs >= this.dropBeforeMs) this.onEvent({ ...event, timestampMs });
        return;
      }
      case 'voice_activity': {
        const processedMs = event.processedMs + this.offsetMs;
        // While a new worker catches up on the replay, its progress is behind what was reported.
        if (processedMs <= this.lastProcessedMs) return;
        this.lastProcessedMs = processedMs;
        this.onEvent({ ...event, processedMs });
        return;
      }
      case 'finished': {
        this.done = true;
        const audioMs = event.audioMs + this.offsetMs;
        this.finishing?.resolve({ audioMs });
        this.onEvent({ ...event, audioMs });
        return;
      }
      case 'error':
        if (!this.done && worthReopening(event.error) && this.reopens < this.maxReopens) this.reopen(event.error);
        else this.giveUp(event.error);
        return;
    }
  }

  /** A worker's words in session time, without those already final, after the turn's final words. */
  private rebase(words: RecognizedWord[]): RecognizedWord[] {
    const shifted = words
      .map((word) => ({ ...word, startMs: word.startMs + this.offsetMs, endMs: word.endMs + this.offsetMs }))
      .filter((word) => (word.startMs + word.endMs) / 2 >= this.dropBeforeMs);
    return this.prefix.length > 0 ? [...this.prefix, ...shifted] : shifted;
  }

  /** The turn's final prefix grew (the same rule as turn-builder.ts). */
  private noteFinal(words: RecognizedWord[]): void {
    const before = this.turnFinal.length;
    for (let index = before; index < words.length && words[index].isFinal; index++) this.turnFinal.push(words[index]);
    if (this.turnFinal.length > before) this.commit(this.turnFinal[this.turnFinal.length - 1].endMs);
  }

  private commit(endMs: number): void {
    this.committedEndMs = Math.max(this.committedEndMs, endMs);
  }

  private run(operation: Operation): void {
    if (this.cancelled || this.failed) return;
    if (this.session) operation(this.session);
    else this.queue.push(operation);
  }

  sendAudio(audio: Uint8Array): void {
    if (this.cancelled || this.failed || audio.byteLength === 0) return;
    this.replay.append(audio);
    // While (re)opening, the buffer is what connect() replays. Before the first worker accepted,
    // it is the session's whole audio so far (nothing may go); after that it is bounded.
    if (this.connected) this.replay.trim();
    this.session?.sendAudio(audio);
  }

  forceEndpoint(): void {
    this.run((session) => session.forceEndpoint());
  }

  updateConfiguration(turnDetection: Partial<TurnDetectionOptions>): void {
    Object.assign(this.request.turnDetection, turnDetection);
    this.run((session) => session.updateConfiguration(turnDetection));
  }

  updateKeyterms(keyterms: string[]): void {
    this.request.keyterms = [...keyterms];
    this.run((session) => session.updateKeyterms(keyterms));
  }

  /** Resolves when a worker decoded everything sent; rejects if the session could not open or failed for good. */
  finish(): Promise<{ audioMs: number }> {
    if (this.failed) return Promise.reject(this.failed);
    if (!this.finishing) {
      let resolve!: (value: { audioMs: number }) => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<{ audioMs: number }>((ok, fail) => ((resolve = ok), (reject = fail)));
      promise.catch(() => undefined);
      this.finishing = { promise, resolve, reject };
      if (this.session) this.finishOn(this.session);
    }
    return this.finishing.promise;
  }

  /** finish() on one worker session; its failure arrives as an 'error' event (a reopen finishes on the next). */
  private finishOn(session: AsrSession): void {
    session.finish().then(
      ({ audioMs }) => {
        if (session !== this.session) return;
        this.done = true;
        this.finishing?.resolve({ audioMs: audioMs + this.offsetMs });
      },
      () => undefined,
    );
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.queue = [];
    this.session?.cancel();
  }
}
