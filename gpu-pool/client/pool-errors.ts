/** gRPC statuses from a worker (or the nginx router) → the gateway-facing AsrPoolError codes. */
import * as grpc from '@grpc/grpc-js';
import { AsrPoolError, type AsrPoolErrorCode } from './api.ts';

export function poolErrorCodeFor(code: grpc.status): AsrPoolErrorCode {
  switch (code) {
    case grpc.status.RESOURCE_EXHAUSTED:
      return 'POOL_FULL';
    case grpc.status.NOT_FOUND:
      return 'MODEL_NOT_DEPLOYED';
    case grpc.status.INVALID_ARGUMENT:
      return 'INVALID_ARGUMENT';
    // Draining, unreachable, or a proxy that found no live backend: another worker may do.
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
    case grpc.status.UNIMPLEMENTED:
      return 'UNAVAILABLE';
    default:
      return 'INTERNAL';
  }
}

export function poolErrorFromStatus(error: grpc.ServiceError | { code: grpc.status; details?: string }, address: string): AsrPoolError {
  const details = ('details' in error && error.details) || grpc.status[error.code];
  return new AsrPoolError(poolErrorCodeFor(error.code), `${details} (worker ${address}, ${grpc.status[error.code]})`);
}

/** Whether trying the next worker for the same label could succeed. */
export function worthFailingOver(error: AsrPoolError): boolean {
  return error.code === 'POOL_FULL' || error.code === 'UNAVAILABLE' || error.code === 'MODEL_NOT_DEPLOYED';
}
