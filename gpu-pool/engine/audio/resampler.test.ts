import { describe, expect, it } from 'vitest';
import { StreamingResampler } from './resampler.ts';

function sine(rate: number, hz: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));
}

describe('StreamingResampler', () => {
  for (const from of [8000, 22050, 44100, 48000]) {
    it(`${from} Hz → 16 kHz: chunking-independent, length and in-band amplitude preserved`, () => {
      const x = sine(from, 440, 1);
      const whole = new StreamingResampler(from, 16000).process(x);
      const r = new StreamingResampler(from, 16000);
      const parts: number[] = [];
      for (let p = 0, k = 0; p < x.length; k++) {
        const n = [1, 17, 441, 3000][k % 4];
        parts.push(...r.process(x.subarray(p, p + n)));
        p += n;
      }
      expect(parts.length).toBe(whole.length);
      let maxDiff = 0;
      for (let i = 0; i < whole.length; i++) maxDiff = Math.max(maxDiff, Math.abs(parts[i] - whole[i]));
      expect(maxDiff).toBeLessThan(1e-6);
      expect(Math.abs(whole.length - 16000)).toBeLessThan(20);
      const mid = whole.subarray(2000, 14000);
      const peak = mid.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(0.48);
      expect(peak).toBeLessThan(0.52);
    });
  }

  it('removes content above the new Nyquist (48 kHz → 16 kHz, 12 kHz tone)', () => {
    const y = new StreamingResampler(48000, 16000).process(sine(48000, 12000, 0.5));
    const peak = y.subarray(500).reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    expect(peak).toBeLessThan(0.01);
  });

  it('rejects invalid rates', () => {
    expect(() => new StreamingResampler(0, 16000)).toThrow(/positive integers/);
  });
});
