import type { AudioEncoding } from '../api.ts';

/** G.711 µ-law byte → linear 16-bit sample (ITU-T G.711 expansion). */
function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

/** Precomputed once: 256 entries, already scaled to [-1, 1). */
const MULAW_TABLE = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = mulawToLinear(i) / 32768;
  return t;
})();

/**
 * Turns the wire bytes of one stream into float samples in [-1, 1).
 * s16le pushes may split a sample across two pushes: the odd byte is carried over.
 */
export class PcmDecoder {
  private carry = -1;

  constructor(private readonly encoding: AudioEncoding) {}

  decode(bytes: Uint8Array): Float32Array {
    if (this.encoding === 'pcm_mulaw') {
      const out = new Float32Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) out[i] = MULAW_TABLE[bytes[i]];
      return out;
    }
    let i = 0;
    const total = bytes.length + (this.carry >= 0 ? 1 : 0);
    const out = new Float32Array(total >> 1);
    let o = 0;
    if (this.carry >= 0 && bytes.length > 0) {
      out[o++] = toSigned(this.carry | (bytes[0] << 8)) / 32768;
      i = 1;
      this.carry = -1;
    }
    for (; i + 1 < bytes.length; i += 2) out[o++] = toSigned(bytes[i] | (bytes[i + 1] << 8)) / 32768;
    if (i < bytes.length) this.carry = bytes[i];
    return o === out.length ? out : out.subarray(0, o);
  }

  /** Bytes carried over to the next push (0 or 1). */
  get pendingBytes(): number {
    return this.carry >= 0 ? 1 : 0;
  }
}

function toSigned(v: number): number {
  return v >= 0x8000 ? v - 0x10000 : v;
}
