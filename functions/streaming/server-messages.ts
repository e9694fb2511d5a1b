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

export type ServerMessage = BeginMessage | TurnMessage | SpeechStartedMessage | TerminationMessage | ErrorMessage | WarningMessage;

/**
 * Warning codes are not published by AssemblyAI (spec §10); Earshot's own, documented in the README.
 */
export const WarningCode = {
  /** A parameter asked for a feature this server does not implement; it was ignored. */
  unsupportedFeature: 3101,
  /** keyterms_prompt was longer than the limits (100 terms × 50 chars) and was cut. */
  keytermsTruncated: 3102,
  /** The session ends soon: the server is shutting down (drain) or the session nears expiry. */
  sessionEndingSoon: 3103,
} as const;
