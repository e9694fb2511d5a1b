// npm run bench:model -- single-stream real-time factor of models/earshot-en decoded by
// sherpa-onnx-node with numThreads 1 (one CPU core), and by Earshot's engine with its beam search,
// language model and lexicon (one inference worker, one thread). RTF = decode time / audio duration.
//   tsx scripts/eval/bench-model.ts [--model model.int8.onnx] [--repeat 3]
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { readAudio, type MonoAudio } from '../../gpu-pool/engine/audio/audio-file.ts';
import { createEngine } from '../../gpu-pool/engine/index.ts';
import { createLogger } from '../../runtime/logger.ts';
import { createRecognizer, MODEL_DIR, transcribe } from './sherpa.js';
import { transcribeAll } from './earshot.js';
import { heldoutFixtures, realRecordings } from './sets.js';

/** The engine's logs, as in the ASR worker (the engine itself logs nothing unless given a logger). */
const engineLogger = createLogger('asr-engine');

const args = process.argv.slice(2);
const models = args.includes('--model') ? [args[args.indexOf('--model') + 1]] : ['model.onnx', 'model.int8.onnx'];
const repeat = args.includes('--repeat') ? Number(args[args.indexOf('--repeat') + 1]) : 3;

const audios: MonoAudio[] = [];
for (const u of [...heldoutFixtures(), ...(realRecordings() ?? [])]) audios.push(await readAudio(u.path));
const seconds = audios.reduce((s, a) => s + a.samples.length / a.sampleRate, 0);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; audio: ${audios.length} files, ${seconds.toFixed(1)} s`);

for (const m of models) {
  if (!existsSync(join(MODEL_DIR, m))) continue;
  const rec = createRecognizer({ modelFile: m, numThreads: 1 });
  transcribe(rec, audios[0]); // warm-up
  let best = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t0 = process.hrtime.bigint();
    for (const a of audios) transcribe(rec, a);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, dt);
  }
  console.log(`${m.padEnd(18)} RTF ${(best / seconds).toFixed(4)}  (${best.toFixed(2)} s for ${seconds.toFixed(1)} s of audio, best of ${repeat}, numThreads 1)`);
}

if (existsSync(join(MODEL_DIR, 'decoding.json'))) {
  process.env.LOG_LEVEL ??= 'warn';
  for (const m of models) {
    if (!existsSync(join(MODEL_DIR, m))) continue;
    const engine = await createEngine({ modelDir: MODEL_DIR, workers: 1, threadsPerWorker: 1, vad: false, preferInt8: m.includes('int8'), logger: engineLogger });
    await transcribeAll(engine, audios.slice(0, 1), 'modified_beam_search', { concurrency: 1 }); // warm-up
    let best = Infinity;
    for (let r = 0; r < repeat; r++) {
      const t0 = process.hrtime.bigint();
      await transcribeAll(engine, audios, 'modified_beam_search', { concurrency: 1 }); // one stream at a time
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    await engine.close();
    console.log(`${m.padEnd(18)} RTF ${(best / seconds).toFixed(4)}  Earshot engine, beam search + LM + lexicon, one stream at a time (1 worker × 1 thread)`);
  }
}
