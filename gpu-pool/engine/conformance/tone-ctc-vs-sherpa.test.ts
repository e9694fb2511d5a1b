import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../api.ts';
import { createEngine, type AsrEngine } from '../index.ts';
import { ToneCtcModel } from '../models/tone-ctc.ts';
import type { DecodedToken } from '../models/model.ts';
import { StreamPipeline } from '../scheduler/stream-pipeline.ts';
import { readAudioFile, testdataFiles, toBytes, toFloat, type AudioFile } from '../testing/audio-files.ts';
import { createSherpaRecognizer, sherpaDecode, type SherpaModelConfig } from '../testing/sherpa-reference.ts';
import { synthesizeSpeechLike } from '../testing/synthetic-speech.ts';

/**
 * Earshot vs sherpa-onnx-node on a T-one-format model: the project's model when it is in
 * models/earshot-en, and always the random-weight fixture. Every file of ../shared/testdata
 * plus synthetic speech.
 *  1. Token for token (ids and frame indices) through the same code the inference worker
 *     runs, all files batched together in each encoder call (batching must not change results).
 *  2. Word for word through the public engine API (bytes pushed in odd-sized pieces).
 */
const fixture = resolve(import.meta.dirname, '../testdata/tone-ctc-random');
const projectModel = resolve(import.meta.dirname, '../../../models/earshot-en');
const models = [fixture, ...(existsSync(`${projectModel}/model.onnx`) ? [projectModel] : [])];

interface Clip {
  name: string;
  audio: AudioFile;
}

let clips: Clip[] = [];

beforeAll(async () => {
  clips = [];
  for (const f of testdataFiles()) clips.push({ name: f.path.split('/').slice(-2).join('/'), audio: await readAudioFile(f.path) });
  for (const [i, rate] of [16000, 8000, 48000].entries()) clips.push({ name: `synthetic-${rate}`, audio: synthesizeSpeechLike(rate, 3.5, 11 + i) });
});

for (const dir of models) {
  describe(`T-one CTC vs sherpa-onnx-node (${dir.split('/').slice(-1)[0]})`, () => {
    let model: ToneCtcModel;
    let sherpaModel: SherpaModelConfig;
    let engine: AsrEngine;
    const inProcess = new Map<string, DecodedToken[]>();

    beforeAll(async () => {
      model = await ToneCtcModel.load(dir, { provider: 'cpu', intraOpThreads: 1 });
      const d = model.description;
      sherpaModel = { kind: 't_one_ctc', dir, frameSeconds: d.frameMs / 1000, framesPerChunk: Math.round(d.chunkMs / d.frameMs) };
      engine = await createEngine({ modelDir: dir, workers: 1, threadsPerWorker: 1, batchWindowMs: 2 });
    });

    afterAll(async () => {
      await model?.release();
      await engine?.close();
    });

    it('token for token, all clips batched together', async () => {
      const pipes = clips.map((c) => new StreamPipeline(c.name, c.audio.sampleRate, model, 'greedy_search', null));
      const tokens = pipes.map(() => [] as DecodedToken[]);
      clips.forEach((c, i) => {
        const x = toFloat(c.audio.samples);
        // Irregular pushes: the streaming front end must not care.
        for (let p = 0, k = 0; p < x.length; k++) {
          const n = [160, 4001, 333, 8000][k % 4];
          pipes[i].accept(x.subarray(p, p + n));
          p += n;
        }
        pipes[i].finish();
      });
      for (;;) {
        const ready = pipes.map((p, i) => [p, i] as const).filter(([p]) => p.frontEnd.readyCount > 0);
        if (ready.length === 0) break;
        const results = await model.runBatch(
          ready.map(([p]) => p.modelState) as never,
          ready.map(([p]) => p.frontEnd.take()!),
        );
        ready.forEach(([, i], k) => tokens[i].push(...results[k].tokens));
      }
      const recognizer = createSherpaRecognizer(sherpaModel);
      clips.forEach((c, i) => inProcess.set(c.name, tokens[i]));
      let compared = 0;
      // sherpa-onnx's symbol table shows sentencepiece's "▁" as a space.
      const sym = (id: number) => model.tokens.symbols[id].replace(/▁/g, ' ');
      clips.forEach((c, i) => {
        const ref = sherpaDecode(recognizer, sherpaModel, toFloat(c.audio.samples), c.audio.sampleRate);
        // sherpa-onnx decodes a chunk only once the next one has started: compare what it decoded.
        const ours = tokens[i].filter((t) => t.frame < ref.decodedFrames);
        expect(ours.map((t) => sym(t.id)), c.name).toEqual(ref.tokens);
        expect(ours.map((t) => t.frame), c.name).toEqual(ref.frames);
        compared += ref.tokens.length;
      });
      expect(compared).toBeGreaterThan(dir === fixture ? 100 : 0);
    });

    it('word for word through the engine API', async () => {
      for (const c of clips) {
        const stream = engine.createStream({
          sampleRate: c.audio.sampleRate,
          encoding: 'pcm_s16le',
          minTurnSilenceMs: 400,
          maxTurnSilenceMs: 1280,
          vadThreshold: 0.5,
          // Turn splitting does not change words; keep one turn per file for the comparison.
          endOfTurnConfidenceThreshold: 1,
        });
        const finals: string[] = [];
        stream.on((e: StreamEvent) => {
          if (e.kind === 'end_of_turn') finals.push(...e.words.map((w) => w.text));
        });
        const bytes = toBytes(c.audio.samples);
        for (let p = 0, k = 0; p < bytes.length; k++) {
          const n = [641, 3, 9600, 1][k % 4];
          stream.push(bytes.subarray(p, p + n));
          p += n;
        }
        await stream.flush();
        stream.close();
        const expected = tokensToText(inProcess.get(c.name)!, model.tokens.symbols);
        expect(finals.join(' '), c.name).toBe(expected);
      }
    });
  });
}

function tokensToText(tokens: DecodedToken[], symbols: string[]): string {
  return tokens
    .map((t) => symbols[t.id])
    .filter((s) => !/^<.*>$/.test(s))
    .join('')
    .replace(/▁/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}
