import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type AsrEngine } from '../index.ts';
import { loadRecognizer } from '../recognizers/load-recognizer.ts';
import type { Recognizer } from '../recognizers/recognizer.ts';
import type { DecodedToken } from '../decoders/chunk-result.ts';
import { conformanceClips, expectTokensLikeSherpa } from '../testing/conformance-clips.ts';
import type { SherpaModelConfig } from '../testing/sherpa-reference.ts';
import { decodeClipsLikeTheWorker, type NamedClip } from '../testing/decode-clips.ts';
import { finalWordsThroughEngine, tokensToText } from '../testing/engine-transcript.ts';

/**
 * Random-weight models in the one-file fbank CTC formats sherpa-onnx streams: icefall's
 * zipformer2 CTC (scripts/testmodels/make_zipformer2_ctc.py) and NeMo's cache-aware FastConformer
 * CTC (scripts/testmodels/make_nemo_ctc.py), full precision and int8. Each is found by the model registry from its folder,
 * decoded by the CTC recognizer through the code the inference worker runs (all clips batched in
 * each call) and compared with sherpa-onnx-node token for token (ids and frames), then word for
 * word through the engine API.
 */
interface Fixture {
  dir: string;
  kind: 'zipformer2_ctc' | 'nemo_ctc';
  file: string;
  /** Feature frames per model chunk (T / window_size): the tail of silence both sides add. */
  chunkFeatureFrames: number;
}

const testdata = resolve(import.meta.dirname, '../testdata');
const fixtures: Fixture[] = [
  { dir: `${testdata}/zipformer2-ctc-random`, kind: 'zipformer2_ctc', file: 'model.onnx', chunkFeatureFrames: 45 },
  { dir: `${testdata}/nemo-ctc-random`, kind: 'nemo_ctc', file: 'model.onnx', chunkFeatureFrames: 57 },
  // int8 (scripts/testmodels/quantize_int8.py, as onnxruntime's quantize_dynamic): what workers serve by default.
  { dir: `${testdata}/zipformer2-ctc-random`, kind: 'zipformer2_ctc', file: 'model.int8.onnx', chunkFeatureFrames: 45 },
  { dir: `${testdata}/nemo-ctc-random`, kind: 'nemo_ctc', file: 'model.int8.onnx', chunkFeatureFrames: 57 },
];

let clips: NamedClip[] = [];

beforeAll(async () => {
  clips = await conformanceClips('fbank CTC models vs sherpa-onnx');
});

for (const fx of fixtures) {
  const name = `${fx.dir.split('/').at(-1)}/${fx.file}`;
  describe(`${fx.kind} vs sherpa-onnx-node (${name})`, () => {
    let recognizer: Recognizer;
    let engine: AsrEngine;
    let sherpaModel: SherpaModelConfig;
    const inProcess = new Map<string, DecodedToken[]>();

    beforeAll(async () => {
      const int8 = fx.file.includes('int8');
      // Word for word with sherpa-onnx, which has no finalisation policy.
      recognizer = await loadRecognizer(fx.dir, { provider: 'cpu', intraOpThreads: 1, preferInt8: int8, finalizeAfterMs: null });
      const d = recognizer.description;
      // sherpa-onnx's CTC timestamps count output frames of 40 ms (10 ms × 4) whatever the model's subsampling.
      sherpaModel = { kind: fx.kind, model: `${fx.dir}/${fx.file}`, tokens: `${fx.dir}/tokens.txt`, frameSeconds: 0.04, framesPerChunk: Math.round(d.chunkMs / d.frameMs), sampleRate: d.sampleRate };
      engine = await createEngine({ modelDir: fx.dir, workers: 1, threadsPerWorker: 1, batchWindowMs: 2, preferInt8: int8, decoding: 'greedy_search', finalizeAfterMs: null });
    });

    afterAll(async () => {
      await recognizer?.release();
      await engine?.close();
    });

    it('the registry finds the format; the engine reports it', () => {
      expect(recognizer.description.type).toBe(fx.kind);
      expect(engine.model.type).toBe(fx.kind);
    });

    // int8 exports quantise each activation tensor with one scale (DynamicQuantizeLinear), the
    // whole batch's: a stream's int8 result depends on the streams batched with it, so int8 is
    // compared stream by stream, as sherpa-onnx decodes here.
    const batched = !fx.file.includes('int8');
    it(`greedy search: token for token, ${batched ? 'all clips batched together' : 'stream by stream'}`, async () => {
      const { tokens } = await decodeClipsLikeTheWorker(recognizer, clips, batched);
      clips.forEach((c, i) => inProcess.set(c.name, tokens[i]));
      const compared = expectTokensLikeSherpa(clips, tokens, recognizer.tokens.symbols, sherpaModel, (fx.chunkFeatureFrames * 10) / 1000, fx.file.includes('int8') ? 2 : 0);
      expect(compared).toBeGreaterThan(100);
    });

    it('greedy search: word for word through the engine API', async () => {
      for (const c of clips) {
        const finals = await finalWordsThroughEngine(engine, c.audio, [641, 3, 9600, 1]);
        expect(finals.join(' '), c.name).toBe(tokensToText(inProcess.get(c.name)!, recognizer.tokens.symbols));
      }
    });
  });
}
