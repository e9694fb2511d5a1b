import type { EngineErrorCode } from './api.ts';

/** Thrown synchronously by the engine API (createStream, push after close, createEngine). */
export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
  }
}
