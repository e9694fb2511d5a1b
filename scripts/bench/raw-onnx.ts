/**
 * npm run bench:onnx — the model run alone, per stream-chunk, in both decoders: onnxruntime-node
 * `session.run` on a batch of N chunks (opened by the engine's own openSession, so with its
 * graph-optimisation choice) and sherpa-onnx-node `decodeStreams` on N streams fed 8 kHz audio (no
 * resampling). Separates the cost of the model from everything around it in bench:engine.
 *   tsx scripts/bench/raw-onnx.ts            (env BENCH_BATCHES, default 8,16,32,64)
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openSession, ort } from '../../gpu-pool/engine/models/session.ts';
import { createSherpaRecognizer } from '../../gpu-pool/engine/testing/sherpa-reference.ts';

const modelDir = resolve(process.env.BENCH_MODEL ?? 'models/earshot-en');
const batches = (process.env.BENCH_BATCHES ?? '8,16,32,64').split(',').map(Number);
const RUNS = 40;

function testSignal(samples: number): Float32Array {
  const a = new Float32Array(samples);
  for (let i = 0; i < samples; i++) a[i] = Math.sin(i * 0.1) * 0.1 + (Math.random() - 0.5) * 0.05;
  return a;
}

async function onnxruntimeMs(file: string, n: number): Promise<number> {
  const session = await openSession(`${modelDir}/${file}`, { provider: 'cpu', intraOpThreads: 1 });
  const dim = (input: number) => Number((session.inputMetadata[input] as { shape?: (number | string)[] }).shape?.[1]);
  const chunk = dim(0) || 2400; // symbolic in the export: sherpa always sends 300 ms at 8 kHz
  const stateDim = dim(1);
  const signal = Int32Array.from(testSignal(n * chunk), (v) => Math.trunc(v * 32767));
  let state = new ort.Tensor('float16', new Uint16Array(n * stateDim), [n, stateDim]);
  const run = async () => {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('int32', signal, [n, chunk, 1]), [session.inputNames[1]]: state });
    state = out[session.outputNames[1]] as typeof state;
  };
  for (let i = 0; i < 10; i++) await run();
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) await run();
  const ms = (performance.now() - t0) / RUNS / n;
  await session.release();
  return ms;
}

function sherpaMs(file: string, n: number): number {
  const recognizer = createSherpaRecognizer({ kind: 't_one_ctc', dir: modelDir, frameSeconds: 0.03, framesPerChunk: 10, file });
  const streams = Array.from({ length: n }, () => recognizer.createStream());
  const audio = testSignal(8000 * 16);
  for (const s of streams) s.acceptWaveform({ samples: audio, sampleRate: 8000 });
  let chunks = 0;
  let ms = 0;
  for (let call = 0; ; call++) {
    const ready = streams.filter((s) => recognizer.isReady(s));
    if (ready.length === 0) break;
    const t0 = performance.now();
    recognizer.decodeStreams(ready);
    if (call >= 3) {
      ms += performance.now() - t0;
      chunks += ready.length;
    }
  }
  return ms / chunks;
}

console.log(`# bench:onnx — ${modelDir}, 1 intra-op thread, ms per stream-chunk (lower is better)`);
for (const file of ['model.onnx', 'model.int8.onnx']) {
  if (!existsSync(`${modelDir}/${file}`)) continue;
  for (const n of batches) {
    const ours = await onnxruntimeMs(file, n);
    const theirs = sherpaMs(file, n);
    console.log(`${file.padEnd(16)} batch ${String(n).padStart(3)}: onnxruntime-node ${ours.toFixed(3)} ms, sherpa-onnx-node decodeStreams ${theirs.toFixed(3)} ms`);
  }
}
