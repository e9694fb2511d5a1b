import { describe, expect, it } from 'vitest';
import { readAudioFile, TESTDATA_DIR, toFloat } from '../testing/audio-files.ts';
import { findModelFile } from './model-search-path.ts';
import { SileroVad } from './silero-vad.ts';

/** Silero VAD on real speech and on silence, batched across streams. */
describe('SileroVad', () => {
  it('speech scores high, digital silence scores 0, batching does not change results', async () => {
    const path = findModelFile('silero-vad/silero_vad.onnx');
    expect(path).toBeDefined();
    const vad = await SileroVad.load(path!, 16000, { provider: 'cpu', intraOpThreads: 1 });
    const speech = toFloat((await readAudioFile(`${TESTDATA_DIR}/librispeech-misc/1995-1837-0001.wav`)).samples).subarray(0, 16000 * 3);
    const run = async (batch: Float32Array[]) => {
      const states = batch.map(() => vad.createState());
      batch.forEach((x, i) => vad.accept(states[i], x));
      const probs: number[][] = batch.map(() => []);
      while (states[0].pending.length > 0) {
        const p = await vad.runBatch(states);
        p.forEach((v, i) => probs[i].push(v));
      }
      return probs;
    };
    const [alone] = await run([speech]);
    const [together, silent] = await run([speech, new Float32Array(speech.length)]);
    expect(together).toEqual(alone);
    expect(Math.max(...alone)).toBeGreaterThan(0.9);
    expect(alone.filter((p) => p > 0.5).length).toBeGreaterThan(alone.length / 3);
    expect(Math.max(...silent)).toBe(0);
    await vad.release();
  });
});
