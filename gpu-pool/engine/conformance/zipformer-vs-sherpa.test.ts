import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type AsrEngine } from '../index.ts';
import { ZipformerTransducerModel } from '../models/zipformer-transducer.ts';
import { TransducerRecognizer } from '../recognizers/transducer-recognizer.ts';
import type { DecodedToken } from '../decoders/chunk-result.ts';
import { StreamPipeline } from '../scheduler/stream-pipeline.ts';
import { toFloat } from '../testing/audio-files.ts';
import { conformanceClips, expectTokensLikeSherpa } from '../testing/conformance-clips.ts';
import { createSherpaRecognizer, sherpaDecode, type SherpaModelConfig } from '../testing/sherpa-reference.ts';
import { decodeClipsLikeTheWorker, type NamedClip } from '../testing/decode-clips.ts';
import { finalWordsThroughEngine, tokensToText } from '../testing/engine-transcript.ts';

/**
 * Random-weight models in sherpa-onnx's zipformer2 and zipformer (v1) transducer formats
 * (scripts/testmodels/make_zipformer2_transducer.py [--v1]): Earshot's fbank, chunking, state
 * stacking and greedy search against sherpa-onnx-node, token for token, on a subset of the real
 * recordings (16 kHz and 22.05 kHz; without them the committed synthetic sentences) plus
 * synthetic audio; then word for word through the engine API.
 */
const fixtures = ['zipformer2-random', 'zipformer-v1-random'];
const T = 45;
const SHIFT = 32;
const TAIL_SECONDS = (T * 10) / 1000;

let clips: NamedClip[] = [];

beforeAll(async () => {
  clips = await conformanceClips('zipformer transducers vs sherpa-onnx');
});

for (const fixture of fixtures) {
  const dir = resolve(import.meta.dirname, '../testdata', fixture);
  let model: TransducerRecognizer;
  let engine: AsrEngine;
  const sherpaModel: SherpaModelConfig = {
    kind: 'transducer',
    encoder: `${dir}/encoder.onnx`,
    decoder: `${dir}/decoder.onnx`,
    joiner: `${dir}/joiner.onnx`,
    tokens: `${dir}/tokens.txt`,
    frameSeconds: 0.04,
    framesPerChunk: SHIFT / 4,
    sampleRate: 16000,
  };
  const inProcess = new Map<string, DecodedToken[]>();

  beforeAll(async () => {
    model = new TransducerRecognizer(await ZipformerTransducerModel.load(dir, readdirSync(dir), { provider: 'cpu', intraOpThreads: 1 }), { finalizeAfterMs: null });
    // Word for word with sherpa-onnx, which has no finalisation policy (a piece after its seal pause would start a new word here).
    engine = await createEngine({ modelDir: dir, workers: 1, threadsPerWorker: 1, batchWindowMs: 2, finalizeAfterMs: null });
  });

  afterAll(async () => {
    await model?.release();
    await engine?.close();
  });

  describe(`${fixture} transducer vs sherpa-onnx-node`, () => {
    it('greedy search: token for token, all clips batched together', async () => {
      const { tokens } = await decodeClipsLikeTheWorker(model, clips);
      clips.forEach((c, i) => inProcess.set(c.name, tokens[i]));
      const compared = expectTokensLikeSherpa(clips, tokens, model.tokens.symbols, sherpaModel, TAIL_SECONDS);
      expect(compared).toBeGreaterThan(100);
    });

    it('greedy search: word for word through the engine API', async () => {
      for (const c of clips) {
        const finals = await finalWordsThroughEngine(engine, c.audio, [641, 3, 9600, 1]);
        const expected = inProcess
          .get(c.name)!
          .map((t) => model.tokens.symbols[t.id])
          .join('')
          .replace(/▁/g, ' ')
          .split(/\s+/)
          .filter(Boolean)
          .join(' ');
        expect(finals.join(' '), c.name).toBe(expected);
      }
    });

    it('modified beam search: same transcript as sherpa-onnx-node (4 active paths)', async () => {
      const recognizer = createSherpaRecognizer(sherpaModel, 'modified_beam_search');
      let agree = 0;
      for (const c of clips.slice(0, 4)) {
        const pipe = new StreamPipeline(c.name, c.audio.sampleRate, model, 'modified_beam_search', null);
        pipe.accept(toFloat(c.audio.samples));
        pipe.finish();
        const ref = sherpaDecode(recognizer, sherpaModel, toFloat(c.audio.samples), c.audio.sampleRate, TAIL_SECONDS);
        const tokens: DecodedToken[] = [];
        // Decode exactly the chunks sherpa-onnx decoded, then take the best path.
        for (let k = 0; k < ref.decodedFrames / (SHIFT / 4); k++) {
          const [r] = await model.runBatch([pipe.modelState] as never, [pipe.frontEnd.take()!]);
          tokens.push(...r.tokens);
        }
        tokens.push(...model.finalize(pipe.modelState as never));
        const ours = tokens.map((t) => model.tokens.symbols[t.id].replace(/▁/g, ' ')).join('');
        if (ours === ref.tokens.join('')) agree++;
      }
      expect(agree).toBe(4);
    });

    it('modified beam search through the engine API: same words as in process, all final', async () => {
      for (const c of clips.slice(0, 2)) {
        const pipe = new StreamPipeline(c.name, c.audio.sampleRate, model, 'modified_beam_search', null);
        pipe.accept(toFloat(c.audio.samples));
        pipe.finish();
        const tokens: DecodedToken[] = [];
        while (pipe.frontEnd.readyCount > 0) tokens.push(...(await model.runBatch([pipe.modelState] as never, [pipe.frontEnd.take()!]))[0].tokens);
        tokens.push(...model.finalize(pipe.modelState as never));
        const expected = tokensToText(tokens, model.tokens.symbols);
        const finals = await finalWordsThroughEngine(engine, c.audio, [3333], { decoding: 'modified_beam_search' });
        expect(finals.join(' '), c.name).toBe(expected);
      }
    });
  });
}
