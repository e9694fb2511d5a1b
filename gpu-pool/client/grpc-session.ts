/**
 * An accepted Recognize call seen as an AsrSession: requests out, worker responses in as
 * AsrSessionEvents. Events that arrive before the gateway attaches its listener are held, so
 * none is lost between open() resolving and session.on().
 */
import * as grpc from '@grpc/grpc-js';
import type { TurnDetectionOptions } from '../engine/api.ts';
import { responseKind, type WireAccepted, type WireRecognizeRequest, type WireRecognizeResponse, type WireWord } from '../proto/messages.ts';
import { AsrPoolError, type AsrAccepted, type AsrSession, type AsrSessionEvent, type RecognizedWord } from './api.ts';
import { cancelGracefully } from './end-call.ts';
import { poolErrorFromStatus } from './pool-errors.ts';

export type RecognizeClientCall = grpc.ClientDuplexStream<WireRecognizeRequest, WireRecognizeResponse>;

const toWord = (word: WireWord): RecognizedWord => ({
  text: word.text ?? '',
  startMs: word.startMs ?? 0,
  endMs: word.endMs ?? 0,
  confidence: word.confidence ?? 0,
  isFinal: word.isFinal ?? false,
});

/** Unset fields from an older worker read as empty: no capabilities claimed, no warnings. */
export const toAccepted = (accepted: WireAccepted): AsrAccepted => ({
  workerId: accepted.workerId ?? '',
  modelVersion: accepted.modelVersion ?? '',
  modelType: accepted.modelType ?? '',
  capabilities: { decodings: accepted.capabilities?.decodings ?? [], keytermDecodings: accepted.capabilities?.keytermDecodings ?? [] },
  warnings: accepted.warnings ?? [],
});

function toSessionEvent(response: WireRecognizeResponse): AsrSessionEvent | undefined {
  switch (responseKind(response)) {
    case 'speechStarted': {
      const { speechStarted } = response as Extract<WireRecognizeResponse, { speechStarted: unknown }>;
      return { kind: 'speech_started', timestampMs: speechStarted.timestampMs ?? 0, confidence: speechStarted.confidence ?? 0 };
    }
    case 'words': {
      const { words } = response as Extract<WireRecognizeResponse, { words: unknown }>;
      return { kind: 'words', words: (words.words ?? []).map(toWord) };
    }
    case 'endOfTurn': {
      const { endOfTurn } = response as Extract<WireRecognizeResponse, { endOfTurn: unknown }>;
      return {
        kind: 'end_of_turn',
        words: (endOfTurn.words ?? []).map(toWord),
        confidence: endOfTurn.confidence ?? 0,
        reason: endOfTurn.reason ?? '',
        silenceMs: endOfTurn.silenceMs ?? 0,
      };
    }
    case 'voiceActivity': {
      const { voiceActivity } = response as Extract<WireRecognizeResponse, { voiceActivity: unknown }>;
      return {
        kind: 'voice_activity',
        processedMs: Number(voiceActivity.processedMs ?? 0),
        silenceMs: voiceActivity.silenceMs ?? 0,
        maxSpeechProbability: voiceActivity.maxSpeechProbability ?? 0,
      };
    }
    case 'finished': {
      const { finished } = response as Extract<WireRecognizeResponse, { finished: unknown }>;
      return { kind: 'finished', audioMs: Number(finished.audioMs ?? 0) };
    }
    default:
      return undefined; // a second `accepted`, or a field from a newer worker: nothing to relay
  }
}

export function createGrpcSession(call: RecognizeClientCall, address: string, cancelGraceMs: number, accepted: AsrAccepted): AsrSession {
  const listeners: Array<(event: AsrSessionEvent) => void> = [];
  const held: AsrSessionEvent[] = [];
  let over = false; // after finished, error or cancel: no more events, no more writes
  let finishRequested = false;
  let finished: { audioMs: number } | undefined;
  let failure: AsrPoolError | undefined;
  const finishWaiters: Array<{ resolve: (value: { audioMs: number }) => void; reject: (error: Error) => void }> = [];

  function emit(event: AsrSessionEvent): void {
    if (listeners.length === 0) held.push(event);
    else for (const listener of listeners) listener(event);
  }

  function settle(): void {
    for (const waiter of finishWaiters.splice(0)) {
      if (finished) waiter.resolve(finished);
      else waiter.reject(failure ?? new AsrPoolError('INTERNAL', 'session ended without finishing'));
    }
  }

  function write(request: WireRecognizeRequest): void {
    if (!over && call.writable) call.write(request);
  }

  call.on('data', (response: WireRecognizeResponse) => {
    if (over) return;
    const event = toSessionEvent(response);
    if (!event) return;
    if (event.kind === 'finished') {
      finished = { audioMs: event.audioMs };
      over = true;
      emit(event);
      settle();
      return;
    }
    emit(event);
  });
  call.on('error', (error: grpc.ServiceError) => {
    if (over) return;
    over = true;
    failure = poolErrorFromStatus(error, address);
    emit({ kind: 'error', error: failure });
    settle();
  });
  // OK status without `finished` would leave finish() hanging: treat it as a protocol error.
  call.on('status', (status: grpc.StatusObject) => {
    if (over || status.code !== grpc.status.OK) return;
    over = true;
    failure = new AsrPoolError('INTERNAL', `worker ${address} ended the session without 'finished'`);
    emit({ kind: 'error', error: failure });
    settle();
  });

  return {
    accepted,
    sendAudio(audio) {
      if (audio.length > 0) write({ audio });
    },
    forceEndpoint() {
      write({ forceEndpoint: {} });
    },
    updateConfiguration(turnDetection: Partial<TurnDetectionOptions>) {
      write({ updateConfiguration: turnDetection });
    },
    updateKeyterms(keyterms: string[]) {
      write({ updateKeyterms: { terms: keyterms } });
    },
    finish() {
      if (finished) return Promise.resolve(finished);
      if (over) return Promise.reject(failure ?? new AsrPoolError('INTERNAL', 'session already cancelled'));
      const result = new Promise<{ audioMs: number }>((resolve, reject) => finishWaiters.push({ resolve, reject }));
      if (!finishRequested) {
        finishRequested = true;
        write({ finish: {} });
        call.end();
      }
      return result;
    },
    cancel() {
      if (over) return;
      over = true;
      failure = new AsrPoolError('INTERNAL', 'session cancelled');
      cancelGracefully(call, cancelGraceMs);
      settle();
    },
    on(listener) {
      listeners.push(listener);
      if (listeners.length === 1) for (const event of held.splice(0)) listener(event);
    },
  };
}
