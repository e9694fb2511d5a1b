/**
 * Resampling to the rate the client will declare (16 kHz by default) with a windowed-sinc
 * interpolator: the cut-off follows the lower of the two Nyquist rates, so downsampling
 * (22.05 kHz LJSpeech → 16 kHz) does not alias.
 */
const HALF_WIDTH = 16;

export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return samples;
  const ratio = toRate / fromRate;
  const cutoff = Math.min(1, ratio);
  const out = new Float32Array(Math.floor(samples.length * ratio));
  for (let i = 0; i < out.length; i++) {
    const center = i / ratio;
    const first = Math.ceil(center - HALF_WIDTH / cutoff);
    const last = Math.floor(center + HALF_WIDTH / cutoff);
    let sum = 0;
    for (let j = Math.max(0, first); j <= Math.min(samples.length - 1, last); j++) {
      const x = (j - center) * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * x) / HALF_WIDTH); // Hann
      sum += samples[j] * sinc * window * cutoff;
    }
    out[i] = sum;
  }
  return out;
}

/** Float samples → 16-bit little-endian PCM bytes (pcm_s16le). */
export function toPcm16(samples: Float32Array): Uint8Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767)));
  return new Uint8Array(out.buffer);
}
