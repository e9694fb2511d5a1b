import { describe, expect, it } from 'vitest';
import { PcmDecoder } from './pcm-decoder.ts';

describe('PcmDecoder', () => {
  it('s16le: odd byte counts are carried over to the next push', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 12345]);
    const bytes = new Uint8Array(samples.buffer);
    const whole = new PcmDecoder('pcm_s16le').decode(bytes);
    const d = new PcmDecoder('pcm_s16le');
    const pieces: Float32Array[] = [];
    let p = 0;
    for (const n of [1, 2, 3, 1, 5]) {
      pieces.push(d.decode(bytes.subarray(p, p + n)));
      p += n;
    }
    expect(d.pendingBytes).toBe(0);
    expect(Array.from(pieces.flatMap((x) => Array.from(x)))).toEqual(Array.from(whole));
    expect(whole[3]).toBeCloseTo(32767 / 32768);
    expect(whole[4]).toBe(-1);
  });

  it('s16le: an empty push and a single byte produce no samples', () => {
    const d = new PcmDecoder('pcm_s16le');
    expect(d.decode(new Uint8Array(0)).length).toBe(0);
    expect(d.decode(new Uint8Array([7])).length).toBe(0);
    expect(d.pendingBytes).toBe(1);
  });

  it('µ-law: G.711 expansion', () => {
    const d = new PcmDecoder('pcm_mulaw');
    const out = d.decode(Uint8Array.from([0xff, 0x7f, 0x00, 0x80, 0xf0]));
    expect(Array.from(out, (v) => Math.round(v * 32768) + 0)).toEqual([0, 0, -32124, 32124, 120]);
  });
});
