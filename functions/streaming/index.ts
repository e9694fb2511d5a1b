/**
 * functions/streaming: the AssemblyAI Universal-Streaming v3 WebSocket endpoint.
 *
 * Data flow of one audio chunk, file by file:
 *   route.ts (upgrade, query) → session.ts (state machine) → audio-frames.ts + transmission-rate.ts
 *   (rules) → asr-link.ts (gRPC pool session, buffered while opening) → worker → session.ts
 *   (onAsrEvent) → turn-builder.ts (+ formatter.ts, punctuation/ and itn/ with format_turns) → Turn
 *   message (server-messages.ts).
 *
 * This file is the function's public surface: the manifest (wrangler-like.config.ts) and the
 * runtime import it and nothing else of the folder (gpu-pool/dependencies.test.ts), so what lies
 * behind it can change without the runtime noticing.
 */
export { createStreamingRoutes, STREAMING_PATHS, type StreamingRouteDeps } from './route.ts';
export { LiveSessions } from './live-sessions.ts';
export { StreamingSession, type SessionDeps, type SessionSocket, type StreamingConfig } from './session.ts';
export { noMetrics, type StreamingMetrics } from './metrics.ts';
export { parseStreamingParams, type StreamingParams } from './query-params.ts';
export { DEFAULT_PUNCTUATION_MODEL_DIR, OnnxPunctuator, type Punctuator } from './punctuation/punctuator.ts';
export { DEFAULT_SPEECH_MODELS, parseSpeechModelRoutes, resolveSpeechModel, speechModelTable, type SpeechModelTable } from './speech-models.ts';
export { CloseCode, ErrorText, ProtocolError } from './protocol-errors.ts';
export type * from './server-messages.ts';
