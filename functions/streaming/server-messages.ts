/**
 * The JSON messages the server sends (spec §2). Shapes only: no logic lives here.
 * Times are integer milliseconds of session audio; durations are integer seconds.
 * Only Error carries a key named `error` (the Node SDK treats any such key as an error).
 */

export interface WordMessage {
  start: number;
  end: number;
  text: string;
  confidence: number;
  word_is_final: boolean;
}

export interface BeginMessage {
  type: 'Begin';
  id: string;
  expires_at: number;
  configuration: Record<string, unknown>;
}

export interface TurnMessage {
  type: 'Turn';
  turn_order: number;
  turn_is_formatted: boolean;
  end_of_turn: boolean;
  transcript: string;
  end_of_turn_confidence: number;
  words: WordMessage[];
  utterance: string;
  /** Pro family, final Turns only (self-hosted v1.2): silence between the last speech and the end of turn. */
  silence_before_eot_ms?: number;
  /** Pro family, final Turns only: why the turn ended (turn-builder.ts TURN_END_REASONS). */
  turn_end_reason?: string;
}

export interface SpeechStartedMessage {
  type: 'SpeechStarted';
  timestamp: number;
  confidence: number;
}

export interface TerminationMessage {
  type: 'Termination';
  audio_duration_seconds: number;
  session_duration_seconds: number;
}

/** session_heartbeat=true: once a second (voice-activity.ts). */
export interface HeartbeatMessage {
  type: 'Heartbeat';
  total_audio_received_ms: number;
  total_duration_ms: number;
  realtime_factor: number;
  max_speech_probability: number;
}

/** acknowledge_silence=true: about once a second of audio during a pause (voice-activity.ts). */
export interface SilenceMessage {
  type: 'Silence';
  start_ms: number;
  end_ms: number;
}

export interface ErrorMessage {
  type: 'Error';
  error_code: number;
  error: string;
}

export interface WarningMessage {
  type: 'Warning';
  warning_code: number;
  warning: string;
}

export type ServerMessage = BeginMessage | TurnMessage | SpeechStartedMessage | TerminationMessage | ErrorMessage | WarningMessage | HeartbeatMessage | SilenceMessage;

/**
 * Warning codes are not published by AssemblyAI (spec §10); Earshot's own, documented in the README.
 */
export const WarningCode = {
  /** A parameter asked for a feature this server does not implement; it was ignored. */
  unsupportedFeature: 3101,
  /** keyterms_prompt was longer than the limits (gpu-pool/session-settings.ts) and was cut. */
  keytermsTruncated: 3102,
  /** The session ends soon: the server is shutting down (drain) or the session nears expiry. */
  sessionEndingSoon: 3103,
  /**
   * The served model cannot do what the session asked (keyterms_prompt with a search that cannot
   * bias toward them, a search the model lacks); the session goes on without it. The text is the
   * worker's (Accepted.warnings in asr.proto).
   */
  unsupportedByModel: 3104,
} as const;
