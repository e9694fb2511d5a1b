import { describe, expect, it } from 'vitest';
import { TESTDATA } from '../../functions/streaming/testing/harness.ts';
import { readAudio } from './read-audio.ts';
import { resample, toPcm16 } from './resample.ts';

describe('example-client audio', () => {
  it('reads WAV and FLAC test files as mono float samples', async () => {
    const wav = await readAudio(`${TESTDATA}/ljspeech-coqui-tts/LJ001-0001.wav`);
    expect(wav.sampleRate).toBe(22050);
    expect(wav.samples.length).toBeGreaterThan(22050);
    const flac = await readAudio(`${TESTDATA}/librispeech-misc/2412-153948-0000.flac`);
    expect(flac.sampleRate).toBe(16000);
    expect(Math.max(...flac.samples.subarray(0, 16000).map(Math.abs))).toBeGreaterThan(0.001);
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
