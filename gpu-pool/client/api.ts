/**
 * What the gateway sees of the ASR pool: open one recognition session per WebSocket session,
 * on a worker that serves the requested model version (X-Model-Version label).
 * Implemented over gRPC (gpu-pool/proto/earshot/asr/v1/asr.proto) by gpu-pool/client.
 */
import type { RecognizedWord } from '../engine/api.ts';
import type { AudioEncoding, TurnDetectionOptions } from '../session-settings.ts';

export type { AudioEncoding, RecognizedWord, TurnDetectionOptions };

export interface AsrSessionRequest {
  sessionId: string;
  /** X-Model-Version label: en-default, ml-default, u3-pro, ... */
  modelVersion: string;
  sampleRate: number;
  encoding: AudioEncoding;
  turnDetection: Partial<TurnDetectionOptions>;
  keyterms: string[];
  formatTurns: boolean;
}

export type AsrSessionEvent =
  | { kind: 'speech_started'; timestampMs: number; confidence: number }
  | { kind: 'words'; words: RecognizedWord[] }
  | { kind: 'end_of_turn'; words: RecognizedWord[]; confidence: number; reason: string; silenceMs: number }
  /** After each decoded chunk (engine/api.ts StreamEvent 'voice_activity'). */
  | { kind: 'voice_activity'; processedMs: number; silenceMs: number; maxSpeechProbability: number }
  /** The worker decoded everything after finish(); no more events follow. */
  | { kind: 'finished'; audioMs: number }
  /** The session failed on the pool side; no more events follow. */
  | { kind: 'error'; error: AsrPoolError };

export type AsrPoolErrorCode =
  /** No worker serves this model version (not deployed). */
  | 'MODEL_NOT_DEPLOYED'
  /** Every worker for this model is at its admission limit. */
  | 'POOL_FULL'
  /** Workers unreachable or draining. */
  | 'UNAVAILABLE'
  | 'INVALID_ARGUMENT'
  | 'INTERNAL';

export class AsrPoolError extends Error {
  constructor(
    readonly code: AsrPoolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AsrPoolError';
  }
}

/** What the served model's recognizer can do: search names, "greedy_search" or "modified_beam_search". */
export interface AsrCapabilities {
  /** The searches a stream may be decoded with. */
  decodings: string[];
  /** The searches that favour a session's keyterms; with any other, keyterms have no effect. */
  keytermDecodings: string[];
}

/** The worker's answer to the session's config (the proto's Accepted). */
export interface AsrAccepted {
  workerId: string;
  modelVersion: string;
  modelType: string;
  capabilities: AsrCapabilities;
  /** What the session asked for that it does not get, in words (e.g. keyterms with a search that cannot use them): each is for the client as a Warning. */
  warnings: string[];
}

export interface AsrSession {
  /** What the worker that took the session said when it accepted it. */
  readonly accepted: AsrAccepted;
  sendAudio(audio: Uint8Array): void;
  forceEndpoint(): void;
  updateConfiguration(turnDetection: Partial<TurnDetectionOptions>): void;
  /** Replace the session's keyterms (already cut to the limits of gpu-pool/session-settings.ts). */
  updateKeyterms(keyterms: string[]): void;
  /** Ask the worker to decode what was sent and finish; resolves with the `finished` event. */
  finish(): Promise<{ audioMs: number }>;
  /** Abandon the session (client vanished); the worker frees its state. */
  cancel(): void;
  on(listener: (event: AsrSessionEvent) => void): void;
}

export interface AsrPool {
  /** Resolves once a worker accepted the session; rejects with AsrPoolError otherwise. */
  open(request: AsrSessionRequest): Promise<AsrSession>;
  /** Whether any worker address is configured for this model version. */
  serves(modelVersion: string): boolean;
  /**
   * Whether some worker of this model version is warm: it answers the gRPC health check with
   * SERVING, which a worker does only once its engine has loaded (the gateway's readiness).
   * Absent on pools that are ready by construction (test doubles).
   */
  ready?(modelVersion: string): Promise<boolean>;
  close(): Promise<void>;
}
