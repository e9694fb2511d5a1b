/**
 * What a streaming session reports for monitoring. The runtime implements it over prom-client
 * (runtime/metrics.ts); tests and tools can pass nothing.
 */
export interface StreamingMetrics {
  sessionStarted(modelVersion: string): void;
  sessionEnded(modelVersion: string, reason: string): void;
  turn(endOfTurn: boolean): void;
  error(code: number): void;
  /** Wall time from the arrival of the audio frame that completed a word to the Turn carrying it. */
  wordEmissionDelay(seconds: number): void;
  /** Time a worker took to accept the session (gRPC open). */
  asrOpen(seconds: number): void;
  /** Duration of one received audio frame. */
  audioChunk(seconds: number): void;
}

export const noMetrics: StreamingMetrics = {
  sessionStarted() {},
  sessionEnded() {},
  turn() {},
  error() {},
  wordEmissionDelay() {},
  asrOpen() {},
  audioChunk() {},
};
