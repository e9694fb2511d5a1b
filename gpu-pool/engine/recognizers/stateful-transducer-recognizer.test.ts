import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VadSilence } from '../decoders/finalization.ts';
import { loadRecognizer } from './load-recognizer.ts';
import type { Recognizer } from './recognizer.ts';

/**
 * The VAD seal reaches the NeMo transducer's stateful greedy search too (issue 25): once the
 * stream's VAD has heard enough silence after the last token, the worker's reseal closes the last
 * word without waiting for SEAL_AFTER_MS of decoded frames.
 */
const FIXTURE = resolve(import.meta.dirname, '../testdata/nemo-transducer-random');
let recognizer: Recognizer;

beforeAll(async () => {
  recognizer = await loadRecognizer(FIXTURE, { provider: 'cpu', intraOpThreads: 1 });
});
afterAll(async () => {
  await recognizer?.release();
});

/** One chunk of noise through a fresh stream; returns the stream and what the search emitted. */
async function decodeOneChunk(vad: VadSilence | null) {
  const state = recognizer.createState('greedy_search', [], vad);
  const frontEnd = recognizer.createFrontEnd();
  let x = 3;
  const noise = Float32Array.from({ length: recognizer.description.sampleRate }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.2);
  frontEnd.accept(noise);
  const [result] = await recognizer.runBatch([state], [frontEnd.take()!]);
  return { state, result };
}

describe('StatefulTransducerRecognizer: the VAD seal', () => {
  it('seals the last word once the VAD vouches for the silence after it, and not before', async () => {
    const frameMs = recognizer.description.frameMs;
    const vad = new VadSilence(32, 0.5, 200, 0, frameMs);
    const { state, result } = await decodeOneChunk(vad);
    expect(result.tokens.length).toBeGreaterThan(0); // random weights emit tokens: there is a word to seal
    expect(result.wordClosed).toBe(false);
    expect(recognizer.reseal!(state).wordClosed).toBe(false); // no silence heard yet
    const lastTokenEndMs = (result.tokens.at(-1)!.frame + 1) * frameMs;
    for (let ms = 0; ms < lastTokenEndMs + 400; ms += 32) vad.onWindow(ms < lastTokenEndMs ? 0.9 : 0.1);
    expect(recognizer.reseal!(state).wordClosed).toBe(true);
  });

  it('without a VAD the word stays open until the decoded-frames seal', async () => {
    const { state } = await decodeOneChunk(null);
    expect(recognizer.reseal!(state).wordClosed).toBe(false);
  });
});
