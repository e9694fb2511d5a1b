import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnlineFbank, SHERPA_FBANK, type FbankOptions } from './fbank.ts';

/**
 * Against torchaudio.compliance.kaldi.fbank (scripts/testmodels/make_fbank_fixture.py).
 * Tolerance: 2e-3 absolute on log-mel values (float32 vs float64 FFT); the signal includes
 * digital silence, where both must hit the same log(FLT_EPSILON) floor.
 */
const dir = resolve(import.meta.dirname, '../testdata/fbank');
const meta = JSON.parse(readFileSync(`${dir}/fbank-fixture.json`, 'utf8'));
const pcm = new Int16Array(new Uint8Array(readFileSync(`${dir}/fbank-signal.s16`)).buffer);
const signal = Float32Array.from(pcm, (v) => v / 32768);
const TOLERANCE = 2e-3;

function run(options: FbankOptions, chunks: number[]): Float32Array {
  const fb = new OnlineFbank(options);
  const frames: Float32Array[] = [];
  const drain = () => {
    const n = fb.readyFrames;
    if (n === 0) return;
    const out = new Float32Array(n * fb.dim);
    fb.take(n, out);
    frames.push(out);
  };
  for (let p = 0, k = 0; p < signal.length; k++) {
    const n = chunks[k % chunks.length];
    fb.accept(signal.subarray(p, p + n));
    drain();
    p += n;
  }
  fb.finish();
  drain();
  const all = new Float32Array(frames.reduce((a, f) => a + f.length, 0));
  let o = 0;
  for (const f of frames) {
    all.set(f, o);
    o += f.length;
  }
  return all;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('OnlineFbank vs torchaudio kaldi.fbank', () => {
  const configs: [string, FbankOptions][] = [
    ['sherpa', { ...SHERPA_FBANK, sampleRate: meta.sampleRate }],
    ['kaldi', { ...SHERPA_FBANK, sampleRate: meta.sampleRate, snipEdges: true, highFreq: 0, inputScale: 32768 }],
  ];
  for (const [name, options] of configs) {
    const ref = new Float32Array(new Uint8Array(readFileSync(`${dir}/fbank-${name}.f32`)).buffer);
    it(`${name}: frame count and values within ${TOLERANCE}`, () => {
      const ours = run(options, [signal.length]);
      expect(ours.length / 80).toBe(meta.configs[name].frames);
      expect(maxAbsDiff(ours, ref)).toBeLessThan(TOLERANCE);
    });
    it(`${name}: streaming over arbitrary chunk sizes gives the same frames`, () => {
      const whole = run(options, [signal.length]);
      const pieces = run(options, [1, 159, 7, 400, 1234, 33]);
      expect(pieces.length).toBe(whole.length);
      expect(maxAbsDiff(pieces, whole)).toBe(0);
    });
  }
});
