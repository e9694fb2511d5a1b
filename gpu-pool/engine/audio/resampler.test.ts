import { describe, expect, it } from 'vitest';
import { resampleAll, StreamingResampler } from './resampler.ts';

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

  for (const [from, to] of [[16000, 8000], [48000, 8000], [44100, 8000], [8000, 16000], [22050, 16000]]) {
    it(`${from} Hz → ${to} Hz: a stream that starts with alignmentInputSamples zeros holds back nothing of the input`, () => {
      const frame = from / 10;
      const pushFrames = (r: StreamingResampler, lead: number) => {
        // Samples out vs the input's duration at the new rate: with the lead, the output runs late by the lead instead of short.
        let out = r.process(new Float32Array(lead)).length;
        let worst = 0;
        for (let k = 1; k <= 20; k++) {
          out += r.process(sine(from, 300, 0.1)).length;
          worst = Math.max(worst, Math.ceil((k * frame * to) / from) - out);
        }
        return worst;
      };
      const r = new StreamingResampler(from, to);
      expect(r.alignmentOutputSamples * from).toBe(r.alignmentInputSamples * to);
      // Without the lead, every 100 ms frame leaves its last samples (the filter's look-ahead) for the next one.
      const heldBack = pushFrames(new StreamingResampler(from, to), 0);
      expect(heldBack).toBeGreaterThan(0);
      expect(heldBack).toBeLessThanOrEqual(r.alignmentOutputSamples);
      expect(pushFrames(r, r.alignmentInputSamples)).toBeLessThanOrEqual(0);
    });
  }

  it('rejects invalid rates', () => {
    expect(() => new StreamingResampler(0, 16000)).toThrow(/positive integers/);
  });
});

describe('resampleAll', () => {
  it('resamples a whole recording: duration kept, a tone below Nyquist kept, the same rate returned as is', () => {
    const tone = sine(22050, 440, 1);
    const out = resampleAll(tone, 22050, 16000);
    expect(Math.abs(out.length - 16000)).toBeLessThanOrEqual(1);
    const peak = Math.max(...out.subarray(1000, 15000).map(Math.abs));
    expect(peak).toBeGreaterThan(0.45);
    expect(peak).toBeLessThan(0.55);
    expect(resampleAll(tone, 22050, 22050)).toBe(tone);
  });
});
