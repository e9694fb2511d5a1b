import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type AsrEngine } from '../index.ts';
import { ToneCtcModel } from '../models/tone-ctc.ts';
import { CtcRecognizer } from '../recognizers/ctc-recognizer.ts';
import type { DecodedToken } from '../decoders/chunk-result.ts';
import { readAudioFile, testdataFiles, toFloat, type AudioFile } from '../testing/audio-files.ts';
import { committedSpeechFiles, haveRealRecordings } from '../testing/test-data.ts';
import { createSherpaRecognizer, sherpaDecode, type SherpaModelConfig } from '../testing/sherpa-reference.ts';
import { decodeClipsLikeTheWorker } from '../testing/decode-clips.ts';
import { finalWordsThroughEngine, tokensToText } from '../testing/engine-transcript.ts';
import { synthesizeSpeechLike } from '../testing/synthetic-speech.ts';
import { editDistance } from '../testing/edit-distance.ts';

/**
 * Earshot vs sherpa-onnx-node on a T-one-format model: the project's model when it is in
 * models/earshot-en, and always the random-weight fixture. Every file of the real recordings
 * (../shared/testdata; without them the committed synthetic sentences) plus synthetic speech.
 *  1. Token for token (ids and frame indices) through the same code the inference worker
 *     runs, all files batched together in each encoder call (batching must not change results).
 *  2. Word for word through the public engine API (bytes pushed in odd-sized pieces).
 */
const fixture = resolve(import.meta.dirname, '../testdata/tone-ctc-random');
const projectModel = resolve(import.meta.dirname, '../../../models/earshot-en');
// The project's model both ways: fp32 (the reference) and int8 (what workers serve by default).
const models = [
  { dir: fixture, file: 'model.onnx' },
  ...['model.onnx', 'model.int8.onnx'].filter((file) => existsSync(`${projectModel}/${file}`)).map((file) => ({ dir: projectModel, file })),
];

interface Clip {
  name: string;
  audio: AudioFile;
}

let clips: Clip[] = [];

beforeAll(async () => {
  clips = [];
  // Without the real recordings, the committed synthetic sentences stand in for them.
  const real = haveRealRecordings('real recordings in T-one CTC vs sherpa-onnx (its committed synthetic speech still runs)');
  const files = real ? testdataFiles().map((f) => f.path) : committedSpeechFiles();
  for (const path of files) clips.push({ name: path.split('/').slice(-2).join('/'), audio: await readAudioFile(path) });
  for (const [i, rate] of [16000, 8000, 48000].entries()) clips.push({ name: `synthetic-${rate}`, audio: synthesizeSpeechLike(rate, 3.5, 11 + i) });
});

for (const { dir, file } of models) {
  describe(`T-one CTC vs sherpa-onnx-node (${dir.split('/').slice(-1)[0]}/${file})`, () => {
    let model: CtcRecognizer;
    let sherpaModel: SherpaModelConfig;
    let engine: AsrEngine;
    const inProcess = new Map<string, DecodedToken[]>();

    beforeAll(async () => {
      model = new CtcRecognizer(await ToneCtcModel.load(dir, { provider: 'cpu', intraOpThreads: 1 }, `${dir}/${file}`), {});
      const d = model.description;
      sherpaModel = { kind: 't_one_ctc', dir, file, frameSeconds: d.frameMs / 1000, framesPerChunk: Math.round(d.chunkMs / d.frameMs), sampleRate: d.sampleRate };
      // Word for word with sherpa-onnx, which has no finalisation policy (a piece after its seal pause would start a new word here).
      engine = await createEngine({ modelDir: dir, workers: 1, threadsPerWorker: 1, batchWindowMs: 2, preferInt8: file.includes('int8'), decoding: 'greedy_search', finalizeAfterMs: null });
    });

    afterAll(async () => {
      await model?.release();
      await engine?.close();
    });

    const decodeAll = (batched: boolean) => decodeClipsLikeTheWorker(model, clips, batched);

    // Stacking streams on the batch axis changes onnxruntime's GEMM blocking, hence float rounding:
    // posteriors must agree closely, and on a trained model a near-tied argmax may still flip, so
    // the exact comparison with sherpa-onnx (which decodes stream by stream) is made unbatched.
    it('batching across streams leaves posteriors unchanged (within 1e-3)', async () => {
      const single = await decodeAll(false);
      const stacked = await decodeAll(true);
      let frames = 0;
      clips.forEach((c, i) => {
        expect(stacked.blanks[i].length, c.name).toBe(single.blanks[i].length);
        const worst = stacked.blanks[i].reduce((m, b, f) => Math.max(m, Math.abs(b - single.blanks[i][f])), 0);
        expect(worst, c.name).toBeLessThan(1e-3);
        frames += single.blanks[i].length;
        if (dir === fixture) expect(stacked.tokens[i].map((t) => [t.id, t.frame]), c.name).toEqual(single.tokens[i].map((t) => [t.id, t.frame]));
      });
      expect(frames).toBeGreaterThan(1000);
    });

    it('token for token', async () => {
      const { tokens } = await decodeAll(false);
      const recognizer = createSherpaRecognizer(sherpaModel);
      clips.forEach((c, i) => inProcess.set(c.name, tokens[i]));
      let compared = 0;
      let totalDistance = 0;
      let sameFrameSwaps = 0;
      const mismatches: string[] = [];
      // sherpa-onnx's symbol table shows sentencepiece's "▁" as a space.
      const sym = (id: number) => model.tokens.symbols[id].replace(/▁/g, ' ');
      clips.forEach((c, i) => {
        const ref = sherpaDecode(recognizer, sherpaModel, toFloat(c.audio.samples), c.audio.sampleRate);
        // sherpa-onnx decodes a chunk only once the next one has started: compare what it decoded.
        const ours = tokens[i].filter((t) => t.frame < ref.decodedFrames);
        const a = ours.map((t) => `${sym(t.id)}@${t.frame}`);
        const b = ref.tokens.map((t, k) => `${t}@${ref.frames[k]}`);
        const distance = editDistance(a, b);
        if (distance > 0) mismatches.push(`${c.name}: ${distance} token(s)`);
        // A flipped near-tie: the same frames, one token id swapped for another at one of them.
        if (distance > 0 && a.length === b.length && ours.every((t, k) => t.frame === ref.frames[k])) {
          sameFrameSwaps += ours.filter((t, k) => sym(t.id) !== ref.tokens[k]).length;
        }
        totalDistance += distance;
        compared += ref.tokens.length;
      });
      expect(compared).toBeGreaterThan(dir === fixture ? 100 : 0);
      console.log(`${dir}: ${compared} sherpa tokens compared, edit distance ${totalDistance}${mismatches.length ? ` (${mismatches.join('; ')})` : ''}`);
      // A trained model's near-tied argmax can flip between
      // two onnxruntime builds (sherpa-onnx-node bundles its own): the 10-block model had one,
      // <blk> -1.15992 vs "VER" -1.15993 on LJ001-0003 frame 156, and the sixth-session model has
      // "OL" -1.512831 vs "ON" -1.512850 on LJ001-0001 frame 186 (printed from Earshot's
      // posteriors). So the committed model may differ only by such swaps, in place, at the same
      // frames, and at most one per 500 tokens; anything else (a shifted frame, a dropped or an
      // extra token) is a real difference.
      // The random-weight fixture spreads its posteriors over 256 tokens: a flip there is rarer still,
      // but it happens (the resampler's alignment lead moved the input by 0.75 ms and "U" -1.54682 vs
      // "C" -1.54725 at frame 349 of 2412-153948-0000 flipped, with sherpa-onnx given Earshot's own
      // 8 kHz samples): at most one same-frame swap per 1,000 tokens.
      if (dir === fixture) {
        expect(sameFrameSwaps, mismatches.join('; ')).toBe(totalDistance);
        expect(totalDistance, mismatches.join('; ')).toBeLessThanOrEqual(Math.floor(compared / 1000));
      } else if (file.includes('int8')) {
        // int8: each activation row is rounded to 255 levels at run time, so a last-bit float
        // difference between the two onnxruntime builds (a division done as a multiplication by
        // the reciprocal, say) can move a value across a rounding boundary; that shows as
        // near-tie flips and one-frame shifts (measured: 21 of 990 tokens with the twelfth model, 16 of
        // 1,003 with the thirteenth, 15 of 1,017 with the fourteenth).
        // Anything systematic (a wrong scale, a broken layer) is far above 4 %.
        expect(totalDistance, mismatches.join('; ')).toBeLessThanOrEqual(Math.ceil(compared * 0.04));
      } else {
        expect(sameFrameSwaps, mismatches.join('; ')).toBe(totalDistance);
        expect(totalDistance, mismatches.join('; ')).toBeLessThanOrEqual(Math.max(1, Math.floor(compared / 500)));
      }
    });

    it('word for word through the engine API', async () => {
      for (const c of clips) {
        // Turn splitting does not change words; keep one turn per file for the comparison.
        const finals = await finalWordsThroughEngine(engine, c.audio, [641, 3, 9600, 1], { maxTurnSilenceMs: 1280 });
        const expected = tokensToText(inProcess.get(c.name)!, model.tokens.symbols);
        expect(finals.join(' '), c.name).toBe(expected);
      }
    });
  });
}
