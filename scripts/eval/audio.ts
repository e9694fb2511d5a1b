// Audio loading for the model evaluation scripts: PCM/float WAV, FLAC and Ogg Vorbis (the realspeech
// dev set) -> mono Float32 in [-1, 1].
import { readFileSync } from 'node:fs';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';

export interface Audio {
  samples: Float32Array;
  sampleRate: number;
}

export function parseWav(buf: Buffer): Audio {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let off = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      let format = buf.readUInt16LE(body);
      if (format === 0xfffe) format = buf.readUInt16LE(body + 24); // WAVE_FORMAT_EXTENSIBLE
      fmt = { format, channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      const bytes = fmt.bits / 8;
      const end = Math.min(buf.length, body + size);
      const frames = Math.floor((end - body) / (bytes * fmt.channels));
      const out = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        const p = body + i * bytes * fmt.channels; // first channel
        if (fmt.format === 3) out[i] = bytes === 4 ? buf.readFloatLE(p) : buf.readDoubleLE(p);
        else if (bytes === 2) out[i] = buf.readInt16LE(p) / 32768;
        else if (bytes === 3) out[i] = buf.readIntLE(p, 3) / 8388608;
        else if (bytes === 4) out[i] = buf.readInt32LE(p) / 2147483648;
        else if (bytes === 1) out[i] = (buf.readUInt8(p) - 128) / 128;
      }
      return { samples: out, sampleRate: fmt.rate };
    }
    off = body + size + (size & 1);
  }
  throw new Error('no data chunk');
}

export async function readAudio(path: string): Promise<Audio> {
  const buf = readFileSync(path);
  const magic = buf.toString('ascii', 0, 4);
  if (magic === 'fLaC') return decodeFile(new FLACDecoder(), buf);
  if (magic === 'OggS') return decodeFile(new OggVorbisDecoder(), buf);
  return parseWav(buf);
}

/** Both wasm-audio-decoders share this interface: first channel of the whole file. */
async function decodeFile(dec: FLACDecoder | OggVorbisDecoder, buf: Buffer): Promise<Audio> {
  await dec.ready;
  try {
    const r = await dec.decodeFile(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    return { samples: r.channelData[0], sampleRate: r.sampleRate };
  } finally {
    dec.free();
  }
}
