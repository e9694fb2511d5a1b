import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAudioFile, toFloat } from '../testing/audio-files.ts';
import { SileroVad } from './silero-vad.ts';
import { findVadModel } from './vad-model.ts';

/** A committed synthetic utterance (espeak-ng, 8 kHz): Silero runs at 8 kHz as well as 16 kHz. */
const SPEECH = fileURLToPath(new URL('../../../scripts/eval/fixtures/heldout/heldout-0009.wav', import.meta.url));

/** Silero VAD on speech and on silence, batched across streams. */
describe('SileroVad', () => {
  it('speech scores high, digital silence scores 0, batching does not change results', async () => {
    const path = findVadModel();
    expect(path).toBeDefined();
    const audio = await readAudioFile(SPEECH);
    expect(audio.sampleRate).toBe(8000);
    const vad = await SileroVad.load(path!, audio.sampleRate, { provider: 'cpu', intraOpThreads: 1 });
    const speech = toFloat(audio.samples).subarray(0, audio.sampleRate * 3);
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
