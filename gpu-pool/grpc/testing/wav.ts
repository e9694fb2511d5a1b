/** Reads a WAV recording (TEST_WAV, or any recording) as pcm_s16le bytes for loopback tests. */
import { readFileSync } from 'node:fs';
import { decodeWav } from '../../engine/audio/audio-file.ts';
import { toPcm16Bytes } from '../../engine/audio/pcm16.ts';

export interface PcmAudio {
  sampleRate: number;
  /** Little-endian 16-bit samples, as sent on the wire for pcm_s16le. */
  bytes: Uint8Array;
}

export function readPcmWav(path: string): PcmAudio {
  const { samples, sampleRate } = decodeWav(readFileSync(path), path);
  return { sampleRate, bytes: toPcm16Bytes(samples) };
}

/** Splits audio into frames of `frameMs`, as a gateway forwards a client's WebSocket frames. */
export function* frames(audio: PcmAudio, frameMs: number): Generator<Uint8Array> {
  const frameBytes = Math.round((audio.sampleRate * frameMs) / 1000) * 2;
  for (let offset = 0; offset < audio.bytes.length; offset += frameBytes) {
    yield audio.bytes.subarray(offset, Math.min(offset + frameBytes, audio.bytes.length));
  }
}
