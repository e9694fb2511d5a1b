/**
 * 16-bit PCM (pcm_s16le) and float samples, at the scale the server decodes the wire with
 * (s / 32768, pcm-decoder.ts), so a recording that goes out and comes back in is unchanged.
 */
export function toInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768)));
  return out;
}

export function toFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 32768;
  return out;
}

/** The samples' bytes in place (little-endian on every platform Node supports). */
export function toBytes(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** Float samples → the bytes a client sends for pcm_s16le. */
export function toPcm16Bytes(samples: Float32Array): Uint8Array {
  return toBytes(toInt16(samples));
}
