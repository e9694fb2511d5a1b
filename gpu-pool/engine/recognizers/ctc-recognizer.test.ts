/**
 * Decoding ahead (issue 25, Recognizer.decodeAhead): in a pause, the frames of a chunk not yet
 * whole are decoded early on a copy of the model state, so the VAD seal can close the last word
 * before the rest of the chunk arrives, and the whole chunk later adds only the frames after them:
 * no token lost or repeated. The VAD's verdict is given (speech, then silence from the cut), so
 * what is checked is the recognizer, not the VAD model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamingResampler } from '../audio/resampler.ts';
import type { ChunkResult } from '../decoders/chunk-result.ts';
import { DEFAULT_VAD_SEAL_MS, VadSilence } from '../decoders/finalization.ts';
import { tokensToText } from '../testing/engine-transcript.ts';
import { readAudioFile } from '../testing/audio-files.ts';
import { TEST_MODEL_DIR, TEST_WAV } from '../../grpc/testing/test-engine.ts';
import { loadRecognizer } from './load-recognizer.ts';
import type { Recognizer } from './recognizer.ts';

const VAD_WINDOW_MS = 32;
let recognizer: Recognizer;
let speech: Float32Array;

beforeAll(async () => {
  recognizer = await loadRecognizer(TEST_MODEL_DIR, { provider: 'cpu', intraOpThreads: 1, preferInt8: true });
  const file = await readAudioFile(TEST_WAV);
  const floats = Float32Array.from(file.samples, (x) => x / 32768);
  const rate = recognizer.description.sampleRate;
  speech = file.sampleRate === rate ? floats : new StreamingResampler(file.sampleRate, rate).process(floats, true);
}, 60_000);
afterAll(async () => {
  await recognizer?.release();
});

const ms = (n: number) => Math.round((recognizer.description.sampleRate * n) / 1000);

/**
 * The utterance's first `cutMs`, then `pauseMs` of faint noise; the VAD hears speech before the
 * cut and silence after. With `ahead`, the pending audio is decoded ahead once before the rest
 * of the pause arrives. Returns the text, and whether the last word was closed before the
 * chunk holding the pause was whole.
 */
async function decode(decoding: 'greedy_search' | 'modified_beam_search', cutMs: number, pauseMs: number, ahead: boolean) {
  const { frameMs, chunkMs, tokenDelayMs } = recognizer.description;
  const vad = new VadSilence(VAD_WINDOW_MS, 0.5, DEFAULT_VAD_SEAL_MS, tokenDelayMs ?? 0, frameMs);
  const state = recognizer.createState(decoding, [], vad);
  const frontEnd = recognizer.createFrontEnd();
  const results: ChunkResult[] = [];
  let x = 5;
  const pause = Float32Array.from({ length: ms(pauseMs) }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.002);
  const heard = (upToMs: number) => {
    while (vad.processedMs + VAD_WINDOW_MS <= upToMs) vad.onWindow(vad.processedMs + VAD_WINDOW_MS <= cutMs ? 0.9 : 0.05);
  };
  const decodeWhole = async () => {
    for (let chunk = frontEnd.take(); chunk; chunk = frontEnd.take()) results.push(...(await recognizer.runBatch([state], [chunk])));
  };
  frontEnd.accept(speech.subarray(0, ms(cutMs)));
  frontEnd.accept(pause);
  const heardMs = cutMs + pauseMs;
  heard(heardMs);
  await decodeWhole();
  if (ahead) {
    const pending = frontEnd.peek!()!;
    results.push(...(await recognizer.decodeAhead!([state], [pending.chunk], [pending.samples])));
  }
  results.push(recognizer.reseal!(state));
  // Closed: the last word committed and sealed, no tentative word after it (as StreamPipeline reads it).
  const closed = (r: ChunkResult | undefined) => r?.wordClosed === true && (r.tentative?.length ?? 0) === 0;
  const closedEarly = closed(results.at(-1)) || closed(results.at(-2));
  // The rest of the chunk, and one more, arrive: everything is decoded.
  frontEnd.accept(Float32Array.from({ length: ms(2 * chunkMs) }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.002));
  heard(heardMs + 2 * chunkMs);
  await decodeWhole();
  const tokens = [...results.flatMap((r) => r.tokens), ...recognizer.finalize(state)];
  return { text: tokensToText(tokens, recognizer.tokens.symbols), closedEarly, frames: results.reduce((n, r) => n + r.frames, 0) };
}

describe('CtcRecognizer: decoding ahead', () => {
  for (const decoding of ['modified_beam_search', 'greedy_search'] as const) {
    it(`${decoding}: closes the last word before its chunk is whole, with the same words`, async () => {
      const rows: string[] = [];
      let earlierSomewhere = false;
      // Cuts just after the last word ("dog"), pauses around one chunk: where the chunk boundary
      // falls decides whether the whole chunks alone reach the seal.
      for (const cut of [3320, 3350, 3380]) for (let pauseMs = 150; pauseMs <= 330; pauseMs += 30) {
        const without = await decode(decoding, cut, pauseMs, false);
        const withAhead = await decode(decoding, cut, pauseMs, true);
        rows.push(`${cut} ${pauseMs}: ${without.closedEarly} ${withAhead.closedEarly} | ${without.text} | ${withAhead.text}`);
        expect(withAhead.text).toBe(without.text);
        expect(withAhead.frames).toBe(without.frames);
        if (without.closedEarly) expect(withAhead.closedEarly).toBe(true);
        earlierSomewhere ||= withAhead.closedEarly && !without.closedEarly;
      }
      expect(earlierSomewhere, rows.join('\n')).toBe(true);
    }, 60_000);
  }
});
