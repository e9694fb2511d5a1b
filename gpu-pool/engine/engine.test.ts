import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, type AsrEngine, type StreamEvent, type StreamOptions } from './api.ts';
import { createEngine } from './index.ts';
import { readAudioFile, toBytes, type AudioFile } from './testing/audio-files.ts';
import { SPEECH_FIXTURES } from './testing/test-data.ts';

/**
 * The engine under bad input: clear errors, and nothing a bad stream or a bad model folder
 * does reaches the other streams or the engine.
 */
const fixture = resolve(import.meta.dirname, 'testdata/tone-ctc-random');
const opts: StreamOptions = {
  sampleRate: 16000,
  encoding: 'pcm_s16le',
  minTurnSilenceMs: 400,
  maxTurnSilenceMs: 1280,
  vadThreshold: 0.4,
  endOfTurnConfidenceThreshold: 0.4,
};

let engine: AsrEngine;
let audio: AudioFile;

beforeAll(async () => {
  engine = await createEngine({ modelDir: fixture, workers: 1, threadsPerWorker: 1, batchWindowMs: 5 });
  audio = await readAudioFile(SPEECH_FIXTURES.wav16k);
});

afterAll(async () => {
  await engine?.close();
});

async function transcribe(bytes: Uint8Array, o: StreamOptions = opts, pieces = 3200): Promise<{ words: string; events: StreamEvent[] }> {
  const s = engine.createStream(o);
  const events: StreamEvent[] = [];
  s.on((e) => events.push(e));
  for (let p = 0; p < bytes.length; p += pieces) s.push(bytes.subarray(p, p + pieces));
  await s.flush();
  s.close();
  const words = events.flatMap((e) => (e.kind === 'end_of_turn' ? e.words.map((w) => w.text) : [])).join(' ');
  return { words, events };
}

describe('engine', () => {
  it('reports the model read from ONNX metadata', () => {
    expect(engine.model).toMatchObject({ type: 't_one_ctc', sampleRate: 8000, chunkMs: 300, vocabSize: 29, provider: 'cpu' });
  });

  it('final words never change: every later event repeats them unchanged', async () => {
    const { events } = await transcribe(toBytes(audio.samples));
    let finals: string[] = [];
    for (const e of events) {
      if (e.kind === 'words' || e.kind === 'end_of_turn') {
        const prefix = e.words.slice(0, finals.length).map((w) => JSON.stringify(w));
        expect(prefix).toEqual(finals);
        finals = e.words.filter((w) => w.isFinal).map((w) => JSON.stringify(w));
        for (const w of e.words) {
          expect(w.endMs).toBeGreaterThan(w.startMs);
          expect(w.confidence).toBeGreaterThan(0);
          expect(w.confidence).toBeLessThanOrEqual(1);
        }
      }
      if (e.kind === 'end_of_turn') {
        expect(e.words.every((w) => w.isFinal)).toBe(true);
        finals = [];
      }
    }
    expect(events.some((e) => e.kind === 'speech_started')).toBe(true);
  });

  it('forceEndpoint ends the turn at once with all words final', async () => {
    const s = engine.createStream({ ...opts, endOfTurnConfidenceThreshold: 1, maxTurnSilenceMs: 60000 });
    const events: StreamEvent[] = [];
    s.on((e) => events.push(e));
    s.push(toBytes(audio.samples.subarray(0, 48000)));
    await new Promise((r) => setTimeout(r, 300));
    s.forceEndpoint();
    const eot = events.find((e) => e.kind === 'end_of_turn');
    expect(eot).toMatchObject({ kind: 'end_of_turn', reason: 'forced' });
    s.close();
  });

  it('odd byte counts, empty pushes and µ-law streams', async () => {
    const bytes = toBytes(audio.samples.subarray(0, 40000));
    const ref = await transcribe(bytes);
    const odd = await transcribe(bytes, opts, 333);
    expect(odd.words).toBe(ref.words);
    const s = engine.createStream(opts);
    s.push(new Uint8Array(0));
    await s.flush();
    s.close();
    const mulaw = new Uint8Array(8000).fill(0xff);
    const m = await transcribe(mulaw, { ...opts, sampleRate: 8000, encoding: 'pcm_mulaw' });
    expect(m.events.every((e) => e.kind !== 'error')).toBe(true);
  });

  it('push after close throws STREAM_CLOSED; invalid options throw INVALID_OPTIONS', () => {
    const s = engine.createStream(opts);
    s.close();
    expect(() => s.push(new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'STREAM_CLOSED' }));
    expect(() => engine.createStream({ ...opts, sampleRate: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    // The protocol's bound (api.ts MIN/MAX_SAMPLE_RATE), the same as the gateway's and the worker's.
    for (const sampleRate of [MIN_SAMPLE_RATE - 1, MAX_SAMPLE_RATE + 1]) expect(() => engine.createStream({ ...opts, sampleRate })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    for (const sampleRate of [MIN_SAMPLE_RATE, MAX_SAMPLE_RATE]) engine.createStream({ ...opts, sampleRate }).close();
    expect(() => engine.createStream({ ...opts, encoding: 'opus' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => engine.createStream({ ...opts, vadThreshold: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    const t = engine.createStream(opts);
    expect(() => t.updateOptions({ minTurnSilenceMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    t.close();
  });

  it('extreme sample values in one stream leave a concurrent stream unaffected', async () => {
    const bytes = toBytes(audio.samples.subarray(0, 64000));
    const alone = await transcribe(bytes);
    const extreme = new Int16Array(64000).map((_, i) => (i % 2 ? 32767 : -32768));
    const [together, wild] = await Promise.all([transcribe(bytes), transcribe(toBytes(extreme))]);
    expect(together.words).toBe(alone.words);
    expect(wild.events.every((e) => e.kind !== 'error')).toBe(true);
    expect(engine.activeStreams).toBe(0);
  });

  it('a stream far ahead of real time fails with OVERLOADED; the others carry on', async () => {
    const { EngineStream } = await import('./stream/asr-stream.ts');
    const saved = EngineStream.maxBacklogMs;
    EngineStream.maxBacklogMs = 2000;
    try {
      const s = engine.createStream(opts);
      const events: StreamEvent[] = [];
      s.on((e) => events.push(e));
      const burst = toBytes(new Int16Array(16000 * 5));
      s.push(burst);
      expect(events.at(-1)).toMatchObject({ kind: 'error', code: 'OVERLOADED' });
      expect(() => s.push(new Uint8Array(2))).not.toThrow(); // already failed: ignored
      const ok = await transcribe(toBytes(audio.samples.subarray(0, 16000)));
      expect(ok.events.every((e) => e.kind !== 'error')).toBe(true);
    } finally {
      EngineStream.maxBacklogMs = saved;
    }
  });

  it('model folders that are missing, incomplete, corrupt or of an unsupported type: clear errors, engine unaffected', async () => {
    const root = mkdtempSync(join(tmpdir(), 'earshot-bad-models-'));
    const cases: [string, RegExp][] = [];
    cases.push([join(root, 'nope'), /does not exist/]);
    const noTokens = join(root, 'no-tokens');
    mkdirSync(noTokens);
    copyFileSync(join(fixture, 'model.onnx'), join(noTokens, 'model.onnx'));
    cases.push([noTokens, /tokens\.txt is missing/]);
    const corrupt = join(root, 'corrupt');
    mkdirSync(corrupt);
    writeFileSync(join(corrupt, 'model.onnx'), Buffer.from('this is not a protobuf at all, just text\n'));
    writeFileSync(join(corrupt, 'tokens.txt'), '<blk> 0\n');
    cases.push([corrupt, /not an ONNX model/]);
    const other = join(root, 'other-type');
    mkdirSync(other);
    writeFileSync(join(other, 'model.onnx'), onnxWithMetadataOnly({ model_type: 'whisper' }));
    cases.push([other, /unsupported model type 'whisper'/]);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    cases.push([empty, /no model\.onnx/]);
    for (const [dir, message] of cases) {
      await expect(createEngine({ modelDir: dir, workers: 1, threadsPerWorker: 1 })).rejects.toMatchObject({ code: 'MODEL_ERROR', message: expect.stringMatching(message) });
    }
    const after = await transcribe(toBytes(audio.samples.subarray(0, 16000)));
    expect(after.events.every((e) => e.kind !== 'error')).toBe(true);
  });

  it('a broken decoding.json fails the engine that needs it up front, else only the beam-search streams', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-bad-decoding-'));
    for (const f of ['model.onnx', 'tokens.txt']) copyFileSync(join(fixture, f), join(dir, f));
    writeFileSync(join(dir, 'decoding.json'), JSON.stringify({ lm: 'missing.arpa.gz' }));
    await expect(createEngine({ modelDir: dir, workers: 1, decoding: 'auto', vad: false })).rejects.toMatchObject({ code: 'MODEL_ERROR', message: expect.stringMatching(/missing\.arpa\.gz is missing/) });
    // Greedy by default: the search settings load on the first beam-search stream, and fail it alone.
    const lazy = await createEngine({ modelDir: dir, workers: 1, vad: false });
    try {
      const options = { sampleRate: 16000, encoding: 'pcm_s16le' as const, minTurnSilenceMs: 400, maxTurnSilenceMs: 1280, vadThreshold: 0.5, endOfTurnConfidenceThreshold: 0.5 };
      const beam = lazy.createStream({ ...options, decoding: 'modified_beam_search' });
      const failed = new Promise<StreamEvent>((resolve) => beam.on((e) => e.kind === 'error' && resolve(e)));
      expect(await failed).toMatchObject({ code: 'MODEL_ERROR', message: expect.stringMatching(/missing\.arpa\.gz/) });
      const greedy = lazy.createStream(options);
      const errors: StreamEvent[] = [];
      greedy.on((e) => e.kind === 'error' && errors.push(e));
      greedy.push(toBytes(audio.samples.subarray(0, 16000)));
      await greedy.flush();
      expect(errors).toEqual([]);
      greedy.close();
    } finally {
      await lazy.close();
    }
  });
});

/** A ModelProto holding nothing but metadata_props (field 14): enough to test type detection. */
function onnxWithMetadataOnly(meta: Record<string, string>): Buffer {
  const parts: number[] = [];
  const str = (field: number, s: string) => {
    const b = Buffer.from(s);
    return [(field << 3) | 2, b.length, ...b];
  };
  for (const [k, v] of Object.entries(meta)) {
    const entry = [...str(1, k), ...str(2, v)];
    parts.push((14 << 3) | 2, entry.length, ...entry);
  }
  return Buffer.from(parts);
}
