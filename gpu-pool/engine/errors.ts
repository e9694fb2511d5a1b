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

/** A model folder that cannot be loaded: a file missing, malformed or of an unsupported type. */
export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}
