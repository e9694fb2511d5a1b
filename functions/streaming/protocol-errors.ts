/**
 * The v3 close codes and error texts (spec §4.1). Every fatal problem becomes one ProtocolError:
 * the session sends `{"type":"Error","error_code":code,"error":message}` and then closes the
 * socket with the same code, so SDKs that read either one see the same thing.
 */

export const CloseCode = {
  normal: 1000,
  unauthorized: 1008,
  /** Catch-all server-side failure ("Session Cancelled"). */
  serverError: 3005,
  /** Bad text frame or bad connection parameters ("Input validation error" in the SDKs). */
  invalidInput: 3006,
  /** Audio frame duration, transmission rate or control-message rate outside the rules. */
  audioViolation: 3007,
  sessionExpired: 3008,
  tooManySessions: 3009,
  /** The gateway is draining (SIGTERM): a new session is refused, connect again (drain.ts). */
  tryAgainLater: 1013,
} as const;

export type ProtocolErrorCode = 1008 | 1013 | 3005 | 3006 | 3007 | 3008 | 3009;

export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** The cloud's texts, so applications matching on them keep working. */
export const ErrorText = {
  missingAuthorization: 'Unauthorized Connection: Missing Authorization header',
  sessionCancelled: 'Session Cancelled: An error occurred',
  invalidJson: (text: string) => `Invalid JSON: ${text}`,
  invalidMessage: (text: string) => `Invalid Message: ${text}`,
  invalidMessageType: (type: string) => `Invalid Message Type: ${type}`,
  invalidParameter: (detail: string) => `Invalid Query Parameter: ${detail}`,
  inputDuration: (ms: number) => `Input duration violation: ${ms} ms. Expected between 50 and 1000 ms`,
  transmissionRate: (audioSeconds: number, wallSeconds: number) =>
    `Audio Transmission Rate Exceeded: Received ${audioSeconds.toFixed(1)} sec. audio in ${wallSeconds.toFixed(6)} sec`,
  sessionExpired: 'Session Expired: Maximum session duration exceeded',
  // Earshot's own (the cloud publishes no such rule), worded like the audio rate text.
  messageRate: (messages: number, wallSeconds: number, perSecond: number) =>
    `Message Rate Exceeded: Received ${messages} control messages in ${wallSeconds.toFixed(1)} sec (at most ${perSecond} per second)`,
} as const;

/** WebSocket close reasons are limited to 123 bytes of UTF-8 (RFC 6455 §5.5). */
export const MAX_CLOSE_REASON_BYTES = 123;
export const LONG_REASON_FALLBACK = 'See Error message for details';

export function closeReason(message: string): string {
  return Buffer.byteLength(message, 'utf8') <= MAX_CLOSE_REASON_BYTES ? message : LONG_REASON_FALLBACK;
}

/** Keeps echoed client input short in error texts (the Error message itself has no limit, but logs do). */
export function excerpt(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
