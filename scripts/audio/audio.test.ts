import { describe, expect, it } from 'vitest';
import { SPEECH_FIXTURES } from '../../gpu-pool/engine/testing/test-data.ts';
import { readAudio } from './read-audio.ts';
import { resample, toPcm16 } from './resample.ts';

describe('example-client audio', () => {
  it('reads WAV and FLAC test files as mono float samples', async () => {
    const wav = await readAudio(SPEECH_FIXTURES.wav22k);
    expect(wav.sampleRate).toBe(22050);
    expect(wav.samples.length).toBeGreaterThan(22050);
    const flac = await readAudio(SPEECH_FIXTURES.flac16k);
    expect(flac.sampleRate).toBe(16000);
    expect(Math.max(...flac.samples.subarray(8000, 24000).map(Math.abs))).toBeGreaterThan(0.001);
  });

  it('resamples keeping duration and a tone below Nyquist', () => {
    const tone = Float32Array.from({ length: 22050 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050));
    const out = resample(tone, 22050, 16000);
    expect(out.length).toBe(16000);
    const peak = Math.max(...out.subarray(1000, 15000).map(Math.abs));
    expect(peak).toBeGreaterThan(0.45);
    expect(peak).toBeLessThan(0.55);
    expect(toPcm16(new Float32Array([1, -1, 0])).byteLength).toBe(6);
  });
});
