/**
 * sherpa-onnx-node fed in real time, the way a server built on it would run: one loop that
 * hands each stream the audio that has arrived by now, then decodes every stream that is ready
 * (in one `decodeStreams` call, or one `decode` per stream). The calls are synchronous, so while
 * they run, arriving audio waits: latency counts from when the audio was due, as a client sees it.
 *
 * sherpa decodes a T-one chunk only once the *next* chunk is complete (its readiness rule); that
 * extra chunk of algorithmic latency is NOT counted here: chunk latency runs from the moment the
 * chunk became decodable to sherpa, as Earshot's runs from the moment it became decodable to
 * Earshot, so both figures are queueing plus compute.
 */
import { createSherpaRecognizer, type SherpaModelConfig } from '../../gpu-pool/engine/testing/sherpa-reference.ts';
import { decodableAt, phaseMs, PUSH_MS, PUSH_SAMPLES, pushSchedule, SAMPLE_RATE, summarise, type RealTimeResult } from './realtime-schedule.ts';

const GRACE_MS = 1500;

export function sherpaRealTime(
  model: SherpaModelConfig,
  audioFor: (stream: number) => Float32Array,
  streams: number,
  seconds: number,
  opts: { staggered: boolean; batched: boolean; threads: number },
): RealTimeResult {
  const chunkMs = model.kind === 't_one_ctc' ? model.frameSeconds * model.framesPerChunk * 1000 : NaN;
  if (!Number.isFinite(chunkMs)) throw new Error('sherpaRealTime measures T-one-format models');
  const recognizer = createSherpaRecognizer(model, 'greedy_search', opts.threads);
  const handles = Array.from({ length: streams }, () => recognizer.createStream());
  const audio = Array.from({ length: streams }, (_, k) => audioFor(k));
  const phases = Array.from({ length: streams }, (_, k) => phaseMs(k, streams, chunkMs, opts.staggered));
  const decoded = new Array<number>(streams).fill(0);
  const events = pushSchedule(streams, seconds, chunkMs, opts.staggered);
  const lastDue = events[events.length - 1].due;
  const latencies: number[] = [];
  // Chunk j is decoded once chunk j+1 is complete.
  const readyAt = (k: number, j: number) => decodableAt((j + 2) * chunkMs, phases[k], seconds);
  const expected = handles.reduce((n, _, k) => {
    let j = 0;
    while (readyAt(k, j) !== undefined) j++;
    return n + j;
  }, 0);

  const t0 = performance.now();
  let e = 0;
  let late = 0;
  const idle = new Int32Array(new SharedArrayBuffer(4));
  const sleepUntil = (ms: number) => {
    // A synchronous server loop idles until the next audio arrives; Atomics.wait sleeps without spinning.
    const wait = t0 + ms - performance.now();
    if (wait > 0) Atomics.wait(idle, 0, 0, wait);
  };
  for (;;) {
    const now = performance.now() - t0;
    if (now > lastDue + GRACE_MS) break;
    for (; e < events.length && events[e].due <= now; e++) {
      const { due, stream, index } = events[e];
      if (now - due > PUSH_MS / 2) late++;
      const from = index * PUSH_SAMPLES;
      handles[stream].acceptWaveform({ samples: audio[stream].subarray(from, from + PUSH_SAMPLES), sampleRate: SAMPLE_RATE });
    }
    const ready: number[] = [];
    for (let k = 0; k < streams; k++) if (recognizer.isReady(handles[k])) ready.push(k);
    if (ready.length === 0) {
      if (e >= events.length) break;
      sleepUntil(events[e].due);
      continue;
    }
    const record = (k: number) => {
      const due = readyAt(k, decoded[k]++);
      if (due !== undefined) latencies.push(performance.now() - t0 - due);
    };
    if (opts.batched) {
      recognizer.decodeStreams(ready.map((k) => handles[k]));
      ready.forEach(record);
    } else {
      for (const k of ready) {
        recognizer.decode(handles[k]);
        record(k);
      }
    }
  }
  return summarise(latencies, expected, late, events.length);
}
