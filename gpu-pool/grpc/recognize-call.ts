/**
 * One Recognize call = one session: the first message must be `config`; the worker checks the
 * model version, validates the config, takes an admission slot, opens an engine stream, answers
 * `accepted`, then relays audio in and events out until `finish` (→ `finished`, OK) or the
 * client goes away (→ the stream and its slot are freed at once).
 */
import * as grpc from '@grpc/grpc-js';
import type { AsrEngine, AsrStream, StreamOptions } from '../engine/api.ts';
import type { Logger } from '../logger.ts';
import type { Admission, AdmissionSlot } from './admission.ts';
import { toWireResponse } from './engine-events.ts';
import { requestKind, type WireRecognizeRequest, type WireRecognizeResponse } from '../proto/messages.ts';
import { MODEL_VERSION_HEADER } from '../proto/proto.ts';
import { toKeyterms, toStreamOptions, toTurnDetectionUpdate } from './session-options.ts';
import { statusForEngineError, statusForThrown, statusOf, type CallStatus } from './status-error.ts';

export type RecognizeCall = grpc.ServerDuplexStream<WireRecognizeRequest, WireRecognizeResponse>;

export interface RecognizeCallContext {
  engine: AsrEngine;
  admission: Admission;
  /** Labels this worker serves; an empty requested version means "whatever this worker serves". */
  modelVersions: ReadonlySet<string>;
  workerId: string;
  /** A client that opens a call but never sends its config must not hold the call forever. */
  configTimeoutMs: number;
  logger: Logger;
}

/** What the server keeps of a live call, so drain can end the ones that outlive the grace period. */
export interface LiveCall {
  abort(status: CallStatus): void;
  readonly done: Promise<void>;
}

function bytesToMs(bytes: number, options: StreamOptions): number {
  const bytesPerSample = options.encoding === 'pcm_s16le' ? 2 : 1;
  return (bytes / bytesPerSample / options.sampleRate) * 1000;
}

export function handleRecognizeCall(call: RecognizeCall, context: RecognizeCallContext): LiveCall {
  const { engine, admission, logger } = context;
  let stream: AsrStream | undefined;
  let slot: AdmissionSlot | undefined;
  let options: StreamOptions | undefined;
  let sessionId = '';
  let audioBytes = 0;
  let openedAt = Date.now();
  let finishing = false;
  let ended = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const configTimer = setTimeout(
    () => fail(statusOf(grpc.status.INVALID_ARGUMENT, `no session config within ${context.configTimeoutMs} ms`)),
    context.configTimeoutMs,
  );

  // Frees the engine stream and the admission slot exactly once, whichever way the call ends.
  function release(): void {
    if (ended) return;
    ended = true;
    clearTimeout(configTimer);
    stream?.close();
    slot?.release();
    resolveDone();
  }

  function fail(status: CallStatus): void {
    if (ended) return;
    logger.info({ sessionId, code: grpc.status[status.code], details: status.details }, 'recognize call failed');
    release();
    call.emit('error', status);
  }

  function send(response: WireRecognizeResponse): void {
    if (!ended) call.write(response);
  }

  function open(request: Extract<WireRecognizeRequest, { config: unknown }>): void {
    clearTimeout(configTimer);
    const config = request.config ?? {};
    sessionId = config.sessionId ?? '';
    const requested = config.modelVersion || String(call.metadata.get(MODEL_VERSION_HEADER)[0] ?? '');
    if (requested && !context.modelVersions.has(requested)) {
      return fail(
        statusOf(
          grpc.status.NOT_FOUND,
          `model version '${requested}' is not served by worker ${context.workerId} (serves: ${[...context.modelVersions].join(', ')})`,
        ),
      );
    }
    const validated = toStreamOptions(config);
    if (!validated.ok) return fail(statusOf(grpc.status.INVALID_ARGUMENT, `invalid session config: ${validated.message}`));
    slot = admission.tryAcquire();
    if (!slot) {
      return fail(
        statusOf(
          grpc.status.RESOURCE_EXHAUSTED,
          `worker ${context.workerId} is at its limit of ${admission.limit} open streams (MAX_OPEN_STREAMS)`,
        ),
      );
    }
    try {
      stream = engine.createStream(validated.value);
    } catch (error) {
      return fail(statusForThrown(error));
    }
    options = validated.value;
    openedAt = Date.now();
    stream.on((event) => {
      if (event.kind === 'error') fail(statusForEngineError(event.code, event.message));
      else send(toWireResponse(event));
    });
    const modelVersion = requested || [...context.modelVersions][0] || '';
    const { decodings, keytermDecodings } = engine.model.capabilities;
    // The stream's warnings so far (at creation) travel with Accepted, so the gateway can tell its client.
    send({ event: 'accepted', accepted: { workerId: context.workerId, modelVersion, modelType: engine.model.type, capabilities: { decodings, keytermDecodings }, warnings: [...stream.warnings] } });
    logger.debug({ sessionId, modelVersion, active: admission.active }, 'session accepted');
  }

  async function finish(): Promise<void> {
    if (finishing || ended || !stream || !options) return;
    finishing = true;
    try {
      await stream.flush();
    } catch (error) {
      return fail(statusOf(grpc.status.INTERNAL, `flush failed: ${error instanceof Error ? error.message : error}`));
    }
    if (ended) return;
    const audioMs = Math.round(bytesToMs(audioBytes, options));
    send({ event: 'finished', finished: { audioMs } });
    logger.info({ sessionId, audioMs, wallMs: Date.now() - openedAt, active: admission.active - 1 }, 'session finished');
    release();
    call.end();
  }

  // The gateway's cancel: ending the call from this side lets the gateway close its stream without
  // a reset (channel-settings.ts, rule 3).
  function cancelled(): void {
    if (ended) return;
    logger.debug({ sessionId }, 'gateway cancelled the session');
    release();
    call.emit('error', statusOf(grpc.status.CANCELLED, 'session cancelled by the gateway'));
  }

  call.on('data', (request: WireRecognizeRequest) => {
    if (ended) return;
    const kind = requestKind(request);
    if (kind === 'cancel') return cancelled();
    if (finishing) return;
    if (!stream) {
      if (kind !== 'config') return fail(statusOf(grpc.status.INVALID_ARGUMENT, `first message must be 'config', got '${kind}'`));
      return open(request as Extract<WireRecognizeRequest, { config: unknown }>);
    }
    switch (kind) {
      case 'audio': {
        const audio = (request as { audio: Uint8Array }).audio;
        audioBytes += audio.length;
        stream.push(audio);
        return;
      }
      case 'forceEndpoint':
        return stream.forceEndpoint();
      case 'updateConfiguration': {
        const update = toTurnDetectionUpdate((request as { updateConfiguration: object }).updateConfiguration, options!);
        if (!update.ok) return fail(statusOf(grpc.status.INVALID_ARGUMENT, `invalid update_configuration: ${update.message}`));
        options = { ...options!, ...update.value.next };
        return stream.updateOptions(update.value.update);
      }
      case 'updateKeyterms': {
        const keyterms = toKeyterms((request as { updateKeyterms: { terms?: string[] } }).updateKeyterms.terms);
        if (!keyterms.ok) return fail(statusOf(grpc.status.INVALID_ARGUMENT, `invalid update_keyterms: keyterms ${keyterms.message}`));
        return stream.updateKeyterms(keyterms.value);
      }
      case 'finish':
        void finish();
        return;
      case 'config':
        return fail(statusOf(grpc.status.INVALID_ARGUMENT, "'config' may only be the first message"));
      default:
        return fail(statusOf(grpc.status.INVALID_ARGUMENT, 'empty request message'));
    }
  });
  // A half-close without `finish` is read as finish: the client has nothing more to send.
  call.on('end', () => {
    if (stream) void finish();
    else fail(statusOf(grpc.status.INVALID_ARGUMENT, 'call closed before a session config was sent'));
  });
  call.on('cancelled', () => {
    logger.debug({ sessionId }, 'client cancelled the call');
    release();
  });
  call.on('error', () => release());
  call.on('close', () => release());

  return { abort: fail, done };
}
