/**
 * npm run bench:engine — Earshot's engine vs sherpa-onnx-node on the same model, audio and
 * cores. Options (env): BENCH_MODEL (folder, default models/earshot-en, else the random
 * fixture), BENCH_SECONDS (real-time run length, default 10), BENCH_WORKERS (Earshot
 * inference workers, 1 intra-op thread each; default: CPU count), BENCH_SHERPA_THREADS (sherpa's
 * intra-op threads in the real-time part; default: CPU count), BENCH_INT8 (1: the real-time part
 * runs model.int8.onnx in both), BENCH_MEMORY_MINUTES (default
 * 30; 0 skips the memory check), BENCH_PARTS (default throughput,realtime,memory).
 *
 * 1. Throughput: N streams decoded as fast as possible, 100 ms pushes interleaved across
 *    streams: Earshot (batched worker), sherpa-onnx `decodeStreams` (its batched mode) and
 *    sherpa-onnx stream by stream. Capacity = seconds of audio decoded per wall second
 *    = how many real-time streams the machine sustains.
 * 2. Real time: Earshot (full pipeline and ASR only) and sherpa-onnx (batched and stream by
 *    stream, sherpa-realtime.ts) with N streams each fed 100 ms every 100 ms, started at
 *    spread-out moments (as real clients) and all in phase (the worst case); chunk latency =
 *    from the due time of the push that made a model chunk decodable to its result; the
 *    largest N with p95 ≤ 100 ms for each, and the ratios.
 * 3. Memory: one stream fed BENCH_MEMORY_MINUTES of audio faster than real time (RSS
 *    sampled), then 64 streams opened and closed.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { createEngine, type AsrEngine, type StreamOptions } from '../../gpu-pool/engine/index.ts';
import { createLogger } from '../../runtime/logger.ts';
import { DEFAULT_ENCODING, DEFAULT_TURN_DETECTION } from '../../gpu-pool/session-settings.ts';
import type { EngineStream } from '../../gpu-pool/engine/stream/asr-stream.ts';
import { readAudioFile, testdataFiles, toBytes, toFloat } from '../../gpu-pool/engine/testing/audio-files.ts';
import { createSherpaRecognizer, type SherpaModelConfig } from '../../gpu-pool/engine/testing/sherpa-reference.ts';
import { decodableAt, isRealTime, percentile, phaseMs, PUSH_MS, PUSH_SAMPLES, pushSchedule, SAMPLE_RATE, summarise, type RealTimeResult } from './realtime-schedule.ts';
import { sherpaRealTime } from './sherpa-realtime.ts';

/** The engine's logs, as in the ASR worker (the engine itself logs nothing unless given a logger). */
const engineLogger = createLogger('asr-engine');

process.env.LOG_LEVEL ??= 'warn';
const cores = availableParallelism();
const workers = Number(process.env.BENCH_WORKERS ?? cores);
const projectModel = resolve('models/earshot-en');
const modelDir = process.env.BENCH_MODEL ?? (existsSync(`${projectModel}/model.onnx`) ? projectModel : resolve('gpu-pool/engine/testdata/tone-ctc-random'));
const rtSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const memoryMinutes = Number(process.env.BENCH_MEMORY_MINUTES ?? 30);
const parts = new Set((process.env.BENCH_PARTS ?? 'throughput,realtime,memory').split(','));

/** What a v3 client gets for what it leaves out, at the bench's 16 kHz. */
const streamOptions: StreamOptions = { sampleRate: SAMPLE_RATE, encoding: DEFAULT_ENCODING, ...DEFAULT_TURN_DETECTION };

async function loadAudio(): Promise<Int16Array> {
  const parts: Int16Array[] = [];
  for (const f of testdataFiles()) {
    const a = await readAudioFile(f.path);
    if (a.sampleRate === 16000) parts.push(a.samples);
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Int16Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Stream k starts at a different offset so batches mix different audio. */
function slice(audio: Int16Array, k: number, samples: number): Int16Array {
  const start = (k * 37_000) % (audio.length - samples);
  return audio.subarray(start, start + samples);
}

async function earshotThroughput(engine: AsrEngine, audio: Int16Array, n: number, seconds: number): Promise<number> {
  const samples = seconds * 16000;
  const streams = Array.from({ length: n }, () => engine.createStream(streamOptions));
  const t0 = performance.now();
  const per = (16000 * PUSH_MS) / 1000;
  for (let p = 0; p < samples; p += per) {
    streams.forEach((s, k) => s.push(toBytes(slice(audio, k, samples).subarray(p, p + per))));
    if ((p / per) % 10 === 9) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(streams.map((s) => s.flush()));
  const wall = (performance.now() - t0) / 1000;
  streams.forEach((s) => s.close());
  return (n * seconds) / wall;
}

function sherpaThroughput(model: SherpaModelConfig, audio: Int16Array, n: number, seconds: number, batched: boolean, threads: number): number {
  const recognizer = createSherpaRecognizer(model, 'greedy_search', threads);
  const samples = seconds * 16000;
  const streams = Array.from({ length: n }, () => recognizer.createStream());
  const per = (16000 * PUSH_MS) / 1000;
  const floats = Array.from({ length: n }, (_, k) => toFloat(slice(audio, k, samples)));
  const t0 = performance.now();
  for (let p = 0; p < samples; p += per) {
    streams.forEach((s, k) => s.acceptWaveform({ samples: floats[k].subarray(p, p + per), sampleRate: 16000 }));
    const ready = streams.filter((s) => recognizer.isReady(s));
    if (ready.length === 0) continue;
    if (batched) recognizer.decodeStreams(ready);
    else for (const s of ready) recognizer.decode(s);
  }
  const wall = (performance.now() - t0) / 1000;
  return (n * seconds) / wall;
}

/**
 * Earshot fed in real time (the plan in realtime-schedule.ts). Chunk latency: from the due time
 * of the push that made a model chunk decodable to the engine's result for it.
 */
async function earshotRealTime(engine: AsrEngine, audio: Int16Array, n: number, seconds: number, staggered: boolean): Promise<RealTimeResult> {
  const samples = seconds * SAMPLE_RATE;
  const chunkMs = engine.model.chunkMs;
  const events = pushSchedule(n, seconds, chunkMs, staggered);
  const latencies: number[] = [];
  let expected = 0;
  const streams = Array.from({ length: n }, () => engine.createStream(streamOptions) as EngineStream);
  let t0 = 0;
  streams.forEach((s, k) => {
    const phase = phaseMs(k, n, chunkMs, staggered);
    for (let end = chunkMs; decodableAt(end, phase, seconds) !== undefined; end += chunkMs) expected++;
    let seen = 0;
    s.onDecoded = (decodedMs) => {
      const now = performance.now() - t0;
      for (let end = seen + chunkMs; end <= decodedMs; end += chunkMs) {
        const due = decodableAt(end, phase, seconds);
        if (due !== undefined) latencies.push(now - due);
      }
      seen = Math.max(seen, Math.floor(decodedMs / chunkMs) * chunkMs);
    };
  });
  t0 = performance.now();
  let late = 0;
  for (let e = 0; e < events.length; ) {
    const wait = t0 + events[e].due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const now = performance.now() - t0;
    for (; e < events.length && events[e].due <= now; e++) {
      const { due, stream, index } = events[e];
      if (now - due > PUSH_MS / 2) late++;
      const p = index * PUSH_SAMPLES;
      streams[stream].push(toBytes(slice(audio, stream, samples).subarray(p, p + PUSH_SAMPLES)));
    }
  }
  await new Promise((r) => setTimeout(r, 1500));
  streams.forEach((s) => s.close());
  return summarise(latencies, expected, late, events.length);
}

async function memoryCheck(engine: AsrEngine, audio: Int16Array, minutes: number) {
  const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  const s = engine.createStream(streamOptions);
  let turns = 0;
  s.on((e) => {
    if (e.kind === 'end_of_turn') turns++;
  });
  const bytes = toBytes(audio);
  const totalBytes = minutes * 60 * 16000 * 2;
  const marks: string[] = [`start ${rss()} MiB`];
  const t0 = performance.now();
  let sent = 0;
  let nextMark = 5 * 60 * 32000;
  while (sent < totalBytes) {
    const piece = 32000; // 1 s
    const off = sent % (bytes.length - piece - (bytes.length % 2));
    s.push(bytes.subarray(off - (off % 2), off - (off % 2) + piece));
    sent += piece;
    if (sent % (piece * 20) === 0) await s.flush(); // keep the backlog bounded: faster than real time, not unbounded
    if (sent >= nextMark) {
      marks.push(`${Math.round(sent / 32000 / 60)} min ${rss()} MiB`);
      nextMark += 5 * 60 * 32000;
    }
  }
  await s.flush();
  s.close();
  const wall = (performance.now() - t0) / 1000;
  const before = rss();
  const many = Array.from({ length: 64 }, () => engine.createStream(streamOptions));
  many.forEach((m) => m.push(bytes.subarray(0, 32000)));
  await Promise.all(many.map((m) => m.flush()));
  const open = rss();
  const active = engine.activeStreams;
  many.forEach((m) => m.close());
  await new Promise((r) => setTimeout(r, 500));
  global.gc?.();
  return { marks, wall, turns, before, open, active, after: rss(), activeAfter: engine.activeStreams };
}

async function main() {
  console.log(`# bench:engine — model ${modelDir}, ${cores} CPU cores, node ${process.version}`);
  const audio = await loadAudio();
  const engine = await createEngine({ modelDir, workers, threadsPerWorker: 1, logger: engineLogger });
  console.log(`model: ${JSON.stringify(engine.model)}; Earshot: ${workers} workers × 1 intra-op thread`);
  if (engine.model.type !== 't_one_ctc') throw new Error('bench:engine compares T-one-format models');

  if (parts.has('throughput')) await throughputSection(engine, audio);
  if (parts.has('realtime')) await realTimeSection(engine, audio);
  if (parts.has('memory')) await memorySection(engine, audio);
  await engine.close();
}

async function throughputSection(engine: AsrEngine, audio: Int16Array) {
  console.log('\n## Throughput (audio seconds decoded per wall second = real-time streams sustained; median of alternating rounds)');
  const n = 32;
  const secs = 10;
  const asrOnly = await createEngine({ modelDir, workers, threadsPerWorker: 1, vad: false, logger: engineLogger });
  const sherpaModel: SherpaModelConfig = { kind: 't_one_ctc', dir: modelDir, frameSeconds: 0.03, framesPerChunk: 10 };
  await earshotThroughput(engine, audio, 4, 2); // warm-up
  await earshotThroughput(asrOnly, audio, 4, 2);
  // The server's default search where the model folder ships decoding.json (LM + lexicon).
  const withBeam = existsSync(`${modelDir}/decoding.json`);
  const asrBeam = withBeam ? await createEngine({ modelDir, workers, threadsPerWorker: 1, vad: false, decoding: 'modified_beam_search', logger: engineLogger }) : null;
  if (asrBeam) await earshotThroughput(asrBeam, audio, 4, 2);
  // The machine is shared: contenders run in alternation, ROUNDS times, and the median counts.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const runs: Record<string, number[]> = {};
  const add = (k: string, v: number) => (runs[k] ??= []).push(v);
  for (let r = 0; r < rounds; r++) {
    add('ours', await earshotThroughput(engine, audio, n, secs));
    add('oursAsr', await earshotThroughput(asrOnly, audio, n, secs));
    if (asrBeam) add('oursBeam', await earshotThroughput(asrBeam, audio, n, secs));
    for (const threads of [1, 2]) {
      add(`batched-${threads}`, sherpaThroughput(sherpaModel, audio, n, secs, true, threads));
      add(`serial-${threads}`, sherpaThroughput(sherpaModel, audio, n, secs, false, threads));
    }
  }
  const med = (k: string) => percentile(runs[k], 50);
  const ours = med('ours');
  const oursAsr = med('oursAsr');
  const sherpa: Record<string, number> = {};
  for (const k of ['batched-1', 'serial-1', 'batched-2', 'serial-2']) sherpa[k] = med(k);
  const sherpaBatched = Math.max(sherpa['batched-1'], sherpa['batched-2']);
  const sherpaSerial = Math.max(sherpa['serial-1'], sherpa['serial-2']);
  const line = (name: string, x: number) => console.log(`${name.padEnd(52)} ${x.toFixed(1).padStart(7)} streams  (RTF ${(1 / x).toFixed(4)}, ${(x / cores).toFixed(1)} streams/core)`);
  line('Earshot, full pipeline, greedy (ASR + Silero VAD + turns)', ours);
  line('Earshot, ASR only, greedy (vad: false)', oursAsr);
  if (asrBeam) line('Earshot, ASR only, beam search + LM + lexicon', med('oursBeam'));
  for (const [k, v] of Object.entries(sherpa)) line(`sherpa-onnx-node ${k.startsWith('batched') ? 'decodeStreams (batched)' : 'stream by stream'}, ${k.split('-')[1]} thread(s)`, v);
  console.log(`ratios (vs sherpa's best thread count): ASR only / sherpa batched = ${(oursAsr / sherpaBatched).toFixed(2)}×, ASR only / sherpa stream-by-stream = ${(oursAsr / sherpaSerial).toFixed(2)}×`);
  console.log(`                                        full / sherpa batched = ${(ours / sherpaBatched).toFixed(2)}×, full / sherpa stream-by-stream = ${(ours / sherpaSerial).toFixed(2)}×`);
  await asrOnly.close();
  await asrBeam?.close();
  if (existsSync(`${modelDir}/model.int8.onnx`)) {
    // The int8-quantised export of the same model, same audio, both decoders.
    const int8 = await createEngine({ modelDir, workers, threadsPerWorker: 1, vad: false, preferInt8: true, logger: engineLogger });
    await earshotThroughput(int8, audio, 4, 2);
    const q: SherpaModelConfig = { ...sherpaModel, file: 'model.int8.onnx' };
    for (let r = 0; r < rounds; r++) {
      add('int8-ours', await earshotThroughput(int8, audio, n, secs));
      for (const threads of [1, 2]) {
        add(`int8-batched-${threads}`, sherpaThroughput(q, audio, n, secs, true, threads));
        add(`int8-serial-${threads}`, sherpaThroughput(q, audio, n, secs, false, threads));
      }
    }
    await int8.close();
    const oursInt8 = med('int8-ours');
    line('int8: Earshot, ASR only', oursInt8);
    for (const threads of [1, 2]) {
      line(`int8: sherpa-onnx-node decodeStreams, ${threads} thread(s)`, med(`int8-batched-${threads}`));
      line(`int8: sherpa-onnx-node stream by stream, ${threads} thread(s)`, med(`int8-serial-${threads}`));
    }
    const sb = Math.max(med('int8-batched-1'), med('int8-batched-2'));
    const ss = Math.max(med('int8-serial-1'), med('int8-serial-2'));
    console.log(`int8 ratios (vs sherpa's best thread count): Earshot / sherpa batched = ${(oursInt8 / sb).toFixed(2)}×, Earshot / sherpa stream-by-stream = ${(oursInt8 / ss).toFixed(2)}×`);
  }
}

/**
 * The largest load that stays real time: doubling from 16 streams until one fails, then
 * bisecting between the last pass and the first failure (to within 1/8 of the load).
 */
async function largestRealTime(label: string, run: (n: number) => Promise<RealTimeResult> | RealTimeResult): Promise<number> {
  const attempt = async (n: number) => {
    const r = await run(n);
    const ok = isRealTime(r);
    console.log(`  ${label.padEnd(34)} N=${String(n).padStart(4)}: p50 ${r.p50.toFixed(1).padStart(7)} ms, p95 ${r.p95.toFixed(1).padStart(7)} ms (${r.samples} chunks, late pushes ${r.late}/${r.pushes}) → ${ok ? 'real time' : 'NOT real time'}`);
    return ok;
  };
  let pass = 0;
  let fail = 0;
  for (let n = 16; n <= 2048; n *= 2) {
    if (await attempt(n)) pass = n;
    else {
      fail = n;
      break;
    }
  }
  while (fail > 0 && fail - pass > Math.max(8, fail / 8)) {
    const mid = Math.round((pass + fail) / 2 / 8) * 8;
    if (mid <= pass || mid >= fail) break;
    if (await attempt(mid)) pass = mid;
    else fail = mid;
  }
  return pass;
}

async function realTimeSection(engine: AsrEngine, audio: Int16Array) {
  const chunkMs = engine.model.chunkMs;
  // The server decodes the int8 file where the folder has one (ASR_PREFER_INT8); BENCH_INT8=1 measures that.
  const realTimeInt8 = process.env.BENCH_INT8 === '1' && existsSync(`${modelDir}/model.int8.onnx`);
  const sherpaThreads = Number(process.env.BENCH_SHERPA_THREADS ?? cores);
  console.log(`\n## Real time, ${realTimeInt8 ? 'model.int8.onnx' : 'model.onnx'} (${rtSeconds} s per load, ${PUSH_MS} ms pushes, chunk ${chunkMs} ms; real time = p95 chunk latency ≤ 100 ms, counted from when the audio was due)`);
  const full = await createEngine({ modelDir, workers, threadsPerWorker: 1, preferInt8: realTimeInt8, logger: engineLogger });
  const asrOnly = await createEngine({ modelDir, workers, threadsPerWorker: 1, vad: false, preferInt8: realTimeInt8, logger: engineLogger });
  await earshotThroughput(full, audio, 4, 2); // warm-up
  await earshotThroughput(asrOnly, audio, 4, 2);
  const sherpaModel: SherpaModelConfig = { kind: 't_one_ctc', dir: modelDir, frameSeconds: 0.03, framesPerChunk: 10, file: realTimeInt8 ? 'model.int8.onnx' : 'model.onnx' };
  const samples = rtSeconds * SAMPLE_RATE;
  const floats = new Map<number, Float32Array>();
  const floatFor = (k: number) => floats.get(k) ?? floats.set(k, toFloat(slice(audio, k, samples))).get(k)!;
  const contenders: [string, (n: number, staggered: boolean) => Promise<RealTimeResult> | RealTimeResult][] = [
    ['Earshot, full pipeline', (n, staggered) => earshotRealTime(full, audio, n, rtSeconds, staggered)],
    ['Earshot, ASR only', (n, staggered) => earshotRealTime(asrOnly, audio, n, rtSeconds, staggered)],
    [`sherpa decodeStreams, ${sherpaThreads} thr`, (n, staggered) => sherpaRealTime(sherpaModel, floatFor, n, rtSeconds, { staggered, batched: true, threads: sherpaThreads })],
    [`sherpa stream by stream, ${sherpaThreads} thr`, (n, staggered) => sherpaRealTime(sherpaModel, floatFor, n, rtSeconds, { staggered, batched: false, threads: sherpaThreads })],
  ];
  const best: Record<string, number[]> = {};
  for (const staggered of [true, false]) {
    console.log(staggered ? 'streams started at spread-out moments (as independent clients connect):' : 'all streams in phase (every stream completes a chunk at the same instant: the worst case):');
    for (const [label, run] of contenders) (best[label] ??= []).push(await largestRealTime(label, (n) => run(n, staggered)));
  }
  await full.close();
  await asrOnly.close();
  console.log('largest real-time load (spread-out starts / all in phase):');
  for (const [label, [spread, inPhase]] of Object.entries(best)) {
    console.log(`  ${label.padEnd(34)} ${String(spread).padStart(4)} / ${String(inPhase).padStart(4)} streams  (${(spread / cores).toFixed(1)} / ${(inPhase / cores).toFixed(1)} per core)`);
  }
  const [fullBest, asr, batched, serial] = contenders.map(([label]) => best[label]);
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
  console.log(`real-time ratios, spread-out / in phase: ASR only / sherpa batched = ${ratio(asr[0], batched[0])} / ${ratio(asr[1], batched[1])}, ASR only / sherpa stream-by-stream = ${ratio(asr[0], serial[0])} / ${ratio(asr[1], serial[1])}`);
  console.log(`                                         full / sherpa batched = ${ratio(fullBest[0], batched[0])} / ${ratio(fullBest[1], batched[1])}, full / sherpa stream-by-stream = ${ratio(fullBest[0], serial[0])} / ${ratio(fullBest[1], serial[1])}`);
}

async function memorySection(engine: AsrEngine, audio: Int16Array) {
  if (memoryMinutes <= 0) return;
  console.log(`\n## Memory: one stream, ${memoryMinutes} min of audio faster than real time`);
  const m = await memoryCheck(engine, audio, memoryMinutes);
  console.log(`RSS: ${m.marks.join(', ')} (${m.wall.toFixed(1)} s wall, ${m.turns} turns)`);
  console.log(`64 streams open: ${m.before} → ${m.open} MiB (activeStreams ${m.active}); after close: ${m.after} MiB (activeStreams ${m.activeAfter})`);
}

await main();
