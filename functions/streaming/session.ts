/**
 * One v3 WebSocket session, from the upgrade to the close (spec §1–§5), in phases:
 *
 *   starting: handshake.ts (authorize → check parameters → admit) → an AdmittedSession
 *   open:     Begin → (audio → ASR → Turn)*
 *   terminating: Terminate (or the idle rules) → last Turns → Termination → 1000
 *   closed:   usage recorded exactly once (session-billing.ts)
 *
 * Any failure on the way becomes Error + close with the same code. The session only sees a
 * SessionSocket (send text, close), so it runs the same behind ws, a TLS listener or a test double.
 * The ASR session opens in the background right after admission (asr-link.ts): Begin never waits
 * for a worker.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AsrPool, AsrPoolError, AsrSessionEvent, TurnDetectionOptions } from '../../gpu-pool/client/api.ts';
import type { SessionLifecycle } from '../../runtime/sessions/lifecycle.ts';
import { cutKeytermsToLimits, keytermsWithinLimits, MAX_KEYTERM_LENGTH, MAX_KEYTERMS, turnSilenceOrderProblem } from '../../gpu-pool/session-settings.ts';
import { AsrLink } from './asr-link.ts';
import { FrameRule, frameDurationMs } from './audio-frames.ts';
import { parseClientMessage, type ClientMessage } from './client-messages.ts';
import { runHandshake, type AdmittedSession } from './handshake.ts';
import { noMetrics, type StreamingMetrics } from './metrics.ts';
import { closeReason, CloseCode, ErrorText, ProtocolError } from './protocol-errors.ts';
import type { ParseResult } from './query-params.ts';
import type { Punctuator } from './punctuation/punctuator.ts';
import { WarningCode, type ServerMessage, type TurnMessage } from './server-messages.ts';
import { SessionBilling } from './session-billing.ts';
import { modelFamily, type SpeechModelTable } from './speech-models.ts';
import { TransmissionRate } from './transmission-rate.ts';
import { ControlMessageRate } from './control-rate.ts';
import {
  clientNotReadingText,
  CONTROL_MESSAGE_BURST,
  CONTROL_MESSAGES_PER_SECOND,
  IDLE_SESSION_SECONDS,
  idleCloseReason,
  MAX_TURN_SECONDS,
  MAX_TURN_WORDS,
  OUTBOUND_BUFFER_LIMIT_BYTES,
} from '../../runtime/config/limits.ts';
import { TurnBuilder } from './turn-builder.ts';
import { HEARTBEAT_INTERVAL_MS, HeartbeatMeter, SilenceReporter } from './voice-activity.ts';
import { WordDelayMeter } from './word-delay.ts';

/** The two things a session does to its socket. */
export interface SessionSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Bytes queued for the client and not yet taken by its connection (ws `bufferedAmount`). */
  bufferedAmount?(): number;
}

export interface StreamingConfig {
  speechModels: SpeechModelTable;
  /** How far audio may run ahead of real time before 3007 (ms). */
  rateBurstMs: number;
  /** Forgive one short (< 50 ms) last frame (audio-frames.ts). */
  lenientFinalChunk: boolean;
  /** How long Terminate waits for the worker to decode the rest before Termination anyway (ms). */
  finishTimeoutMs: number;
  /** The idle rule without inactivity_timeout (ms); default limits.ts IDLE_SESSION_SECONDS. */
  idleTimeoutMs?: number;
  /** Outbound bytes a client may leave unread before 3005 (limits.ts OUTBOUND_BUFFER_LIMIT_BYTES). */
  outboundBufferLimitBytes?: number;
  /** Longest turn before it is ended for the client (ms; limits.ts MAX_TURN_SECONDS). */
  maxTurnMs?: number;
  /** Audio ahead of real time per client address, over all its sessions (ms; limits.ts CLIENT_AUDIO_BURST_SECONDS). */
  clientAudioBurstMs?: number;
}

export interface SessionDeps {
  pool: AsrPool;
  lifecycle: SessionLifecycle;
  config: StreamingConfig;
  logger: Logger;
  metrics?: StreamingMetrics;
  /** Punctuates and cases formatted final turns; without it they get the formatter's rules. */
  punctuator?: Punctuator;
}

export interface SessionRequest {
  params: ParseResult;
  authorization?: string;
  /** Called once when the session has fully ended (socket closed or closing, usage recorded). */
  onEnded?: () => void;
}

/** What a session has from Begin on: its admitted settings, its ASR link and its turns. */
interface OpenSession {
  readonly admitted: AdmittedSession;
  readonly link: AsrLink;
  readonly turns: TurnBuilder;
  /** The client's turn detection so far (the opening values merged with UpdateConfiguration's). */
  turnDetection: Partial<TurnDetectionOptions>;
  sessionHeartbeat: boolean;
  acknowledgeSilence: boolean;
  /** The worker has decoded everything: closing need not cancel it. */
  asrFinished: boolean;
  /** The open turn hit the maximum turn length and was force-ended; cleared by its end_of_turn. */
  turnCut: boolean;
}

type Phase =
  /** Handshake running; frames that arrive meanwhile are replayed in order after Begin. */
  | { readonly name: 'starting'; readonly early: Array<string | Uint8Array> }
  | { readonly name: 'open'; readonly session: OpenSession }
  /** Terminate (or an idle rule) is waiting for the worker's last words. */
  | { readonly name: 'terminating'; readonly session: OpenSession }
  | { readonly name: 'closed' };

const API_VERSION = '2025-05-12';

export class StreamingSession {
  readonly id = randomUUID();
  private phase: Phase = { name: 'starting', early: [] };
  private readonly startedAt = new Date();
  private readonly metrics: StreamingMetrics;
  private readonly log: Logger;
  private readonly billing: SessionBilling;
  private frameRule: FrameRule;
  private rate: TransmissionRate;
  private readonly controlRate = new ControlMessageRate(CONTROL_MESSAGE_BURST, CONTROL_MESSAGES_PER_SECOND);
  private readonly delays = new WordDelayMeter();
  private audioMs = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  private inactivityTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** Messages waiting behind final turns that are being formatted (sendTurn), and how many such turns. */
  private outbox: Promise<void> = Promise.resolve();
  private formatting = 0;
  private readonly silence = new SilenceReporter();
  private readonly heartbeat = new HeartbeatMeter();

  constructor(
    private readonly socket: SessionSocket,
    private readonly request: SessionRequest,
    private readonly deps: SessionDeps,
  ) {
    this.metrics = deps.metrics ?? noMetrics;
    this.log = deps.logger.child({ sessionId: this.id });
    this.billing = new SessionBilling(this.id, deps.lifecycle, this.log, request.onEnded);
    this.frameRule = new FrameRule(deps.config.lenientFinalChunk);
    this.rate = new TransmissionRate(deps.config.rateBurstMs);
  }

  /** A method, not a field read, so TypeScript does not narrow `phase` across awaits. */
  private closed(): boolean {
    return this.phase.name === 'closed';
  }

  /** The open session while it takes audio and ForceEndpoint (not once Terminate began). */
  private open(): OpenSession | undefined {
    return this.phase.name === 'open' ? this.phase.session : undefined;
  }

  /** The open session, also while terminating: its settings and turns still apply. */
  private begun(): OpenSession | undefined {
    return this.phase.name === 'open' || this.phase.name === 'terminating' ? this.phase.session : undefined;
  }

  get isOpen(): boolean {
    return this.phase.name === 'open' || this.phase.name === 'starting';
  }

  /** Runs the handshake; call right after the upgrade. Never throws. */
  async start(): Promise<void> {
    try {
      await this.handshake();
    } catch (error) {
      this.fail(error);
    }
  }

  private async handshake(): Promise<void> {
    const { deps, request } = this;
    const outcome = await runHandshake(
      { sessionId: this.id, startedAt: this.startedAt, params: request.params, authorization: request.authorization },
      { lifecycle: deps.lifecycle, pool: deps.pool, speechModels: deps.config.speechModels },
      () => this.closed(),
    );
    // The client left during authorization (nothing to bill), or during admission (billed now).
    if (outcome.kind === 'client_gone' || !this.billing.admitted()) return;
    if (this.phase.name !== 'starting') return;
    const { early } = this.phase;
    this.begin(outcome.session, early);
  }

  private begin(admitted: AdmittedSession, early: Array<string | Uint8Array>): void {
    const { params } = admitted;
    this.phase = { name: 'open', session: this.openAsr(admitted) };
    this.metrics.sessionStarted(admitted.modelVersion);
    this.send({
      type: 'Begin',
      id: this.id,
      expires_at: Math.floor(this.startedAt.getTime() / 1000) + admitted.maxSessionSeconds,
      configuration: {
        model: admitted.speechModel,
        api_version: API_VERSION,
        sample_rate: params.sampleRate,
        encoding: params.encoding,
        format_turns: params.formatTurns,
        speaker_labels: false,
        filter_profanity: false,
        redact_pii: false,
      },
    });
    this.log.info({ speechModel: admitted.speechModel, modelVersion: admitted.modelVersion, sampleRate: params.sampleRate, encoding: params.encoding }, 'session began');
    if (params.unsupported.length > 0) {
      this.send({ type: 'Warning', warning_code: WarningCode.unsupportedFeature, warning: `Unsupported parameters ignored: ${params.unsupported.join(', ')}` });
    }
    // After Begin, like every other message of the session (openAsr cut the list before it).
    if (!keytermsWithinLimits(params.keyterms)) this.warnKeytermsCut();

    const sessionMs = admitted.maxSessionSeconds * 1000 - (Date.now() - this.startedAt.getTime());
    this.expiryTimer = setTimeout(() => this.fail(new ProtocolError(CloseCode.sessionExpired, ErrorText.sessionExpired)), Math.max(0, sessionMs));
    this.touch();
    this.heartbeatTimer = setInterval(() => {
      if (this.open()?.sessionHeartbeat) this.send(this.heartbeat.beat(this.audioMs, Date.now() - this.startedAt.getTime()));
    }, HEARTBEAT_INTERVAL_MS);

    for (const frame of early) this.handle(frame);
  }

  private openAsr(admitted: AdmittedSession): OpenSession {
    const { params } = admitted;
    const opening = performance.now();
    const link = new AsrLink(
      this.deps.pool,
      {
        sessionId: this.id,
        modelVersion: admitted.modelVersion,
        sampleRate: params.sampleRate,
        encoding: params.encoding,
        turnDetection: admitted.turnDetection,
        keyterms: cutKeytermsToLimits(params.keyterms),
        formatTurns: params.formatTurns,
      },
      (event) => this.onAsrEvent(event),
    );
    link.opened.then(
      (asr) => {
        this.metrics.asrOpen((performance.now() - opening) / 1000);
        // What the model cannot do for this session is told, never silently dropped. Only the first
        // worker's: one that takes the session over later was asked the same.
        for (const warning of asr.accepted.warnings) this.warn(WarningCode.unsupportedByModel, warning);
      },
      () => undefined,
    );
    return {
      admitted,
      link,
      turns: new TurnBuilder(params.formatTurns, modelFamily(admitted.speechModel) === 'pro'),
      turnDetection: admitted.turnDetection,
      sessionHeartbeat: params.sessionHeartbeat,
      acknowledgeSilence: params.acknowledgeSilence,
      asrFinished: false,
      turnCut: false,
    };
  }

  /** keyterms_prompt within the limits, with a Warning if it was cut. */
  private cutKeyterms(keyterms: string[]): string[] {
    if (!keytermsWithinLimits(keyterms)) this.warnKeytermsCut();
    return cutKeytermsToLimits(keyterms);
  }

  private warnKeytermsCut(): void {
    this.send({ type: 'Warning', warning_code: WarningCode.keytermsTruncated, warning: `keyterms_prompt cut to ${MAX_KEYTERMS} terms of at most ${MAX_KEYTERM_LENGTH} characters` });
  }

  /** A frame from the client: text (a JSON message) or binary (audio). */
  receive(frame: string | Uint8Array): void {
    if (this.closed()) return;
    // Counted on arrival, also while starting: the frames held until Begin are bounded by it too.
    if (typeof frame === 'string') {
      try {
        this.controlRate.take();
      } catch (error) {
        this.fail(error);
        return;
      }
    }
    this.handle(frame);
  }

  private handle(frame: string | Uint8Array): void {
    if (this.phase.name === 'closed') return;
    if (this.phase.name === 'starting') {
      this.phase.early.push(frame);
      return;
    }
    const session = this.phase.session;
    this.touch();
    try {
      if (typeof frame === 'string') this.onMessage(session, parseClientMessage(frame));
      else this.onAudio(frame);
    } catch (error) {
      this.fail(error);
    }
  }

  private onAudio(audio: Uint8Array): void {
    // Audio after Terminate has nowhere to go; the cloud ignores it too.
    const session = this.open();
    if (!session || audio.byteLength === 0) return;
    const { params } = session.admitted;
    const durationMs = frameDurationMs(audio.byteLength, params.sampleRate, params.encoding);
    this.frameRule.check(durationMs);
    this.rate.add(durationMs);
    this.audioMs += durationMs;
    this.delays.frameArrived(durationMs);
    this.metrics.audioChunk(durationMs / 1000);
    session.link.sendAudio(audio);
    this.deps.lifecycle.progress?.(this.id, this.audioMs / 1000);
  }

  /** While open or terminating: ForceEndpoint needs an open turn, the settings apply to the last Turns too. */
  private onMessage(session: OpenSession, message: ClientMessage): void {
    switch (message.type) {
      case 'KeepAlive':
        return; // touch() already reset the inactivity timer
      case 'ForceEndpoint':
        this.open()?.link.forceEndpoint();
        return;
      case 'UpdateConfiguration': {
        const { formatTurns, keyterms, sessionHeartbeat, acknowledgeSilence, ...turnDetection } = message.update;
        if (formatTurns !== undefined) session.turns.formatTurns = formatTurns;
        if (sessionHeartbeat !== undefined) session.sessionHeartbeat = sessionHeartbeat;
        if (acknowledgeSilence !== undefined) session.acknowledgeSilence = acknowledgeSilence;
        if (keyterms !== undefined) session.link.updateKeyterms(this.cutKeyterms(keyterms));
        if (Object.keys(turnDetection).length > 0) {
          checkSilenceOrder({ ...session.turnDetection, ...turnDetection });
          session.turnDetection = { ...session.turnDetection, ...turnDetection };
          session.link.updateConfiguration(turnDetection);
        }
        return;
      }
      case 'Terminate':
        void this.terminate('terminated');
        return;
    }
  }

  private onAsrEvent(event: AsrSessionEvent): void {
    const session = this.begun();
    if (!session) return;
    switch (event.kind) {
      case 'speech_started':
        this.send({ type: 'SpeechStarted', timestamp: Math.max(0, Math.round(event.timestampMs)), confidence: round6(event.confidence) });
        return;
      case 'words':
        this.sendTurn(session.turns.partial(event.words));
        this.limitTurnLength(event.words);
        return;
      case 'end_of_turn': {
        const end = session.turnCut && event.reason === 'forced' ? { ...event, reason: 'max_turn_length' } : event;
        session.turnCut = false;
        const { turns } = session;
        const punctuator = turns.formatTurns ? this.deps.punctuator : undefined;
        this.sendTurn(punctuator ? turns.endOfTurnPunctuated(event.words, event.confidence, end, punctuator) : turns.endOfTurn(event.words, event.confidence, end));
        return;
      }
      case 'voice_activity': {
        this.heartbeat.onVoiceActivity(event.maxSpeechProbability);
        // Tracked also while not asked for, so a mid-session UpdateConfiguration starts on time.
        const silence = this.silence.onVoiceActivity(event.processedMs, event.silenceMs);
        if (silence && this.open()?.acknowledgeSilence) this.send(silence);
        return;
      }
      case 'finished':
        session.asrFinished = true;
        return;
      case 'error':
        this.fail(poolErrorToProtocol(event.error, session.admitted.speechModel, session.admitted.modelVersion));
        return;
    }
  }

  /** The maximum turn length (limits.ts): a turn whose words span too long is ended like ForceEndpoint. */
  private limitTurnLength(words: Array<{ startMs: number; endMs: number }>): void {
    const session = this.open();
    if (!session || session.turnCut || words.length === 0) return;
    const maxTurnMs = this.deps.config.maxTurnMs ?? MAX_TURN_SECONDS * 1000;
    const spanMs = words[words.length - 1]!.endMs - words[0]!.startMs;
    if (spanMs < maxTurnMs && words.length < MAX_TURN_WORDS) return;
    session.turnCut = true;
    this.log.info({ spanMs, words: words.length, maxTurnMs }, 'maximum turn length: ending the turn');
    session.link.forceEndpoint();
  }

  private sendTurn(turn: TurnMessage | Promise<TurnMessage> | undefined): void {
    if (!turn) return;
    if (turn instanceof Promise) {
      // A final turn being formatted: messages after it wait in `outbox`, so order is kept.
      this.formatting += 1;
      this.outbox = this.outbox.then(() => turn).then((message) => {
        this.formatting -= 1;
        this.deliverTurn(message);
      });
      return;
    }
    if (this.formatting > 0) this.outbox = this.outbox.then(() => this.deliverTurn(turn));
    else this.deliverTurn(turn);
  }

  private deliverTurn(turn: TurnMessage): void {
    if (this.closed()) return;
    this.sendNow(turn);
    this.metrics.turn(turn.end_of_turn);
    for (const delay of this.delays.wordsEmitted(turn.words.map((word) => word.end))) this.metrics.wordEmissionDelay(delay);
  }

  /**
   * Ends the session normally: the worker decodes what it has, the last Turns go out, then
   * Termination and close 1000 (with `closeText` as the reason). Used for Terminate,
   * inactivity_timeout and the idle rule.
   */
  private async terminate(reason: string, closeText = ''): Promise<void> {
    const session = this.open();
    if (!session) return;
    this.phase = { name: 'terminating', session };
    this.clearTimers();
    let timer: NodeJS.Timeout | undefined;
    try {
      const finished = session.link.finish();
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.deps.config.finishTimeoutMs)));
      if ((await Promise.race([finished, timeout])) === 'timeout') {
        this.log.warn({ timeoutMs: this.deps.config.finishTimeoutMs }, 'worker did not finish in time; terminating anyway');
      } else {
        session.asrFinished = true;
      }
    } catch (error) {
      // The ASR session failed (its error event already ended the session) or never opened.
      if (!this.closed()) this.fail(error);
      return;
    } finally {
      clearTimeout(timer);
    }
    await this.outbox;
    if (this.closed()) return;
    this.send({
      type: 'Termination',
      audio_duration_seconds: Math.round(this.audioMs / 1000),
      session_duration_seconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
    });
    this.socket.close(CloseCode.normal, closeText);
    this.close(reason);
  }

  /** Ends the session with Error + close (code == error_code). Anything not a ProtocolError is a 3005. */
  fail(error: unknown): void {
    if (this.closed()) return;
    const protocolError = error instanceof ProtocolError ? error : new ProtocolError(CloseCode.serverError, ErrorText.sessionCancelled);
    if (!(error instanceof ProtocolError)) this.log.error({ err: error }, 'session failed');
    else this.log.info({ code: protocolError.code, error: protocolError.message }, 'session ended with an error');
    this.metrics.error(protocolError.code);
    this.sendNow({ type: 'Error', error_code: protocolError.code, error: protocolError.message });
    this.socket.close(protocolError.code, closeReason(protocolError.message));
    this.close(`error:${protocolError.code}`);
  }

  /** A non-fatal Warning to the client (drain, what the model cannot do), while the session is open. */
  warn(code: number, text: string): void {
    if (this.open()) this.send({ type: 'Warning', warning_code: code, warning: text });
  }

  /** The socket closed. If the session was still live the client vanished: free the worker, bill it. */
  socketClosed(): void {
    if (this.closed()) return;
    this.log.info({ state: this.phase.name }, 'client went away');
    this.close('client_gone');
  }

  private close(reason: string): void {
    const session = this.begun();
    this.phase = { name: 'closed' };
    this.clearTimers();
    if (session && !session.asrFinished) session.link.cancel();
    if (session) this.metrics.sessionEnded(session.admitted.modelVersion, reason.startsWith('error:') ? 'error' : reason);
    void this.billing.ended({ reason, audioSeconds: this.audioMs / 1000 });
  }

  /** Anything from the client restarts the inactivity_timeout, or else the idle rule (limits.ts). */
  private touch(): void {
    const session = this.open();
    if (!session) return;
    const requested = session.admitted.params.inactivityTimeoutSeconds;
    const idleMs = requested !== undefined ? requested * 1000 : (this.deps.config.idleTimeoutMs ?? IDLE_SESSION_SECONDS * 1000);
    clearTimeout(this.inactivityTimer);
    this.inactivityTimer = setTimeout(() => {
      if (requested !== undefined) {
        this.log.info({ inactivityTimeoutSeconds: requested }, 'inactivity timeout: ending the session');
        void this.terminate('inactivity_timeout');
      } else {
        this.log.info({ idleMs }, 'client sent nothing: ending the idle session');
        void this.terminate('idle_timeout', idleCloseReason(idleMs / 1000));
      }
    }, idleMs);
  }

  private clearTimers(): void {
    clearTimeout(this.expiryTimer);
    clearTimeout(this.inactivityTimer);
    clearInterval(this.heartbeatTimer);
  }

  private send(message: ServerMessage): void {
    if (this.formatting > 0) {
      this.outbox = this.outbox.then(() => this.sendNow(message));
      return;
    }
    this.sendNow(message);
  }

  private sendNow(message: ServerMessage): void {
    if (this.closed() && message.type !== 'Error') return;
    try {
      this.socket.send(JSON.stringify(message));
    } catch (error) {
      this.log.debug({ err: error }, 'send failed (socket closing)');
      return;
    }
    // A client that stopped reading: end it before its messages fill the gateway's memory.
    const unsent = this.socket.bufferedAmount?.() ?? 0;
    const limit = this.deps.config.outboundBufferLimitBytes ?? OUTBOUND_BUFFER_LIMIT_BYTES;
    if (unsent > limit && !this.closed() && message.type !== 'Error' && message.type !== 'Termination') {
      this.log.warn({ unsentBytes: unsent, limit }, 'client not reading: ending the session');
      this.fail(new ProtocolError(CloseCode.serverError, clientNotReadingText(unsent)));
    }
  }
}

function round6(value: number): number {
  return Number.isFinite(value) ? Math.round(Math.min(1, Math.max(0, value)) * 1e6) / 1e6 : 0;
}

/** Checked here: the worker checks the same and would end the session with a less helpful error. */
function checkSilenceOrder(options: Partial<TurnDetectionOptions>): void {
  const problem = turnSilenceOrderProblem(options);
  if (problem) throw new ProtocolError(CloseCode.invalidInput, ErrorText.invalidParameter(problem));
}

/** Pool failures in protocol terms (documented in the README, "Protocol compatibility"). */
export function poolErrorToProtocol(error: AsrPoolError, speechModel: string, modelVersion: string): ProtocolError {
  switch (error.code) {
    case 'MODEL_NOT_DEPLOYED':
      return new ProtocolError(CloseCode.serverError, `Session Cancelled: speech model '${speechModel}' (${modelVersion}) is not deployed on this server`);
    case 'POOL_FULL':
      return new ProtocolError(CloseCode.tooManySessions, `Unauthorized Connection: Too many concurrent sessions (every ${modelVersion} ASR worker is full)`);
    case 'INVALID_ARGUMENT':
      // The worker's words, without its address and status (internal, not the client's business).
      return new ProtocolError(CloseCode.invalidInput, ErrorText.invalidParameter(error.message.replace(/ \(worker [^)]*\)$/, '').replace(/^invalid (session config|update_configuration|update_keyterms): /, '')));
    case 'UNAVAILABLE':
      return new ProtocolError(CloseCode.serverError, `Session Cancelled: no ${modelVersion} ASR worker is reachable`);
    default:
      return new ProtocolError(CloseCode.serverError, ErrorText.sessionCancelled);
  }
}
