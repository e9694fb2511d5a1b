/** Earshot's streaming ASR engine: the public surface the gRPC worker builds on. */
export * from './api.ts';
export { createEngine } from './engine.ts';
export { EngineError } from './errors.ts';
