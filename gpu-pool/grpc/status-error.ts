/** A gRPC status to end a call with: the one place worker-side error codes are chosen. */
import * as grpc from '@grpc/grpc-js';
import type { EngineErrorCode } from '../engine/api.ts';

export interface CallStatus {
  code: grpc.status;
  details: string;
}

export const statusOf = (code: grpc.status, details: string): CallStatus => ({ code, details });

/** Engine stream errors → the status semantics in asr.proto's header comment. */
export function statusForEngineError(code: EngineErrorCode, message: string): CallStatus {
  switch (code) {
    case 'INVALID_AUDIO':
    case 'INVALID_OPTIONS':
      return statusOf(grpc.status.INVALID_ARGUMENT, message);
    case 'OVERLOADED':
      return statusOf(grpc.status.RESOURCE_EXHAUSTED, message);
    case 'STREAM_CLOSED':
    case 'MODEL_ERROR':
      return statusOf(grpc.status.INTERNAL, message);
  }
}

/** createStream() throws on options the engine rejects; anything else is the worker's fault. */
export function statusForThrown(error: unknown): CallStatus {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'INVALID_OPTIONS' || code === 'INVALID_AUDIO') return statusOf(grpc.status.INVALID_ARGUMENT, message);
  if (code === 'OVERLOADED') return statusOf(grpc.status.RESOURCE_EXHAUSTED, message);
  return statusOf(grpc.status.INTERNAL, `engine failed to open the stream: ${message}`);
}
