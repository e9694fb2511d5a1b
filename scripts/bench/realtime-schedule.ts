/**
 * The real-time feeding plan shared by every contender of bench:engine: N streams, each pushed
 * PUSH_MS of audio every PUSH_MS, either all in phase (every stream completes a model chunk at
 * the same instant: one burst of N chunks per chunk period, the worst case) or started at
 * spread-out moments (stream k starts k/N of a chunk period later, as clients that connect at
 * random moments).
 */
export const PUSH_MS = 100;
export const SAMPLE_RATE = 16000;
export const PUSH_SAMPLES = (SAMPLE_RATE * PUSH_MS) / 1000;
/** Resampler filter half-width (6 zeros at 0.99 × 4 kHz ≈ 0.76 ms), rounded up. */
export const LOOKAHEAD_MS = 1;

export interface Push {
  /** ms after the start of the run when this push's audio has arrived */
  due: number;
  stream: number;
  /** push index within the stream: samples [index·PUSH_SAMPLES, (index+1)·PUSH_SAMPLES) */
  index: number;
}

export function phaseMs(stream: number, streams: number, chunkMs: number, staggered: boolean): number {
  return staggered ? (stream / streams) * chunkMs : 0;
}

function pushesPerStream(seconds: number): number {
  return Math.ceil((seconds * SAMPLE_RATE) / PUSH_SAMPLES);
}

/** Every push of every stream, in due-time order. */
export function pushSchedule(streams: number, seconds: number, chunkMs: number, staggered: boolean): Push[] {
  const pushes = pushesPerStream(seconds);
  const events: Push[] = [];
  for (let stream = 0; stream < streams; stream++) {
    const phase = phaseMs(stream, streams, chunkMs, staggered);
    for (let index = 0; index < pushes; index++) events.push({ due: phase + index * PUSH_MS, stream, index });
  }
  return events.sort((a, b) => a.due - b.due);
}

/**
 * Due time (ms from the run start) of the push after which a decoder can run the chunk that
 * ends at `chunkEndMs` of a stream: the first push whose audio reaches past the chunk end plus
 * the resampler's look-ahead; undefined when the stream's audio never gets that far.
 */
export function decodableAt(chunkEndMs: number, phase: number, seconds: number): number | undefined {
  const push = Math.ceil((chunkEndMs + LOOKAHEAD_MS) / PUSH_MS) - 1;
  return push < pushesPerStream(seconds) ? phase + push * PUSH_MS : undefined;
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export interface RealTimeResult {
  p50: number;
  p95: number;
  /** chunks decoded in time to be measured (the rest count as infinitely late) */
  samples: number;
  /** pushes made more than PUSH_MS / 2 after their due time (the feeder fell behind) */
  late: number;
  pushes: number;
}

/**
 * Real time = p95 chunk latency within 100 ms. Latency counts from the push's due time (when a
 * client's audio would have arrived), not from when a busy feeder got round to it, and a chunk
 * still undecoded after the grace period counts as infinitely late.
 */
export function isRealTime(r: RealTimeResult): boolean {
  return r.p95 <= 100;
}

/** Latencies of the expected chunks; the ones never decoded are Infinity. */
export function summarise(latencies: number[], expected: number, late: number, pushes: number): RealTimeResult {
  const all = latencies.concat(Array.from({ length: Math.max(0, expected - latencies.length) }, () => Infinity));
  return { p50: percentile(all, 50), p95: percentile(all, 95), samples: latencies.length, late, pushes };
}
