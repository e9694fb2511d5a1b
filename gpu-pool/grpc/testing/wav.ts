/** Reads a 16-bit PCM mono WAV (TEST_WAV, or any recording) for loopback tests. */
import { readFileSync } from 'node:fs';

export interface PcmAudio {
  sampleRate: number;
  /** Little-endian 16-bit samples, as sent on the wire for pcm_s16le. */
  bytes: Uint8Array;
}

export function readPcmWav(path: string): PcmAudio {
  const file = readFileSync(path);
  if (file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= file.length) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = file.readUInt16LE(body);
      const channels = file.readUInt16LE(body + 2);
      const bits = file.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${path}: need 16-bit PCM mono`);
      sampleRate = file.readUInt32LE(body + 4);
    } else if (id === 'data') {
      return { sampleRate, bytes: new Uint8Array(file.subarray(body, body + size)) };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** Splits audio into frames of `frameMs`, as a gateway forwards a client's WebSocket frames. */
export function* frames(audio: PcmAudio, frameMs: number): Generator<Uint8Array> {
  const frameBytes = Math.round((audio.sampleRate * frameMs) / 1000) * 2;
  for (let offset = 0; offset < audio.bytes.length; offset += frameBytes) {
    yield audio.bytes.subarray(offset, Math.min(offset + frameBytes, audio.bytes.length));
  }
}
