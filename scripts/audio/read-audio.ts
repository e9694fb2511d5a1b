/**
 * Reads a WAV (PCM 16/24/32-bit, IEEE float 32; any channel count, mixed to mono) or a FLAC file
 * (@wasm-audio-decoders/flac) into mono float samples in −1…1.
 */
import { readFileSync } from 'node:fs';
import { FLACDecoder } from '@wasm-audio-decoders/flac';

export interface MonoAudio {
  samples: Float32Array;
  sampleRate: number;
}

export async function readAudio(path: string): Promise<MonoAudio> {
  const file = readFileSync(path);
  if (file.toString('ascii', 0, 4) === 'fLaC') return readFlac(file);
  if (file.toString('ascii', 0, 4) === 'RIFF' && file.toString('ascii', 8, 12) === 'WAVE') return readWav(file, path);
  throw new Error(`${path}: not a WAV or FLAC file`);
}

function readWav(file: Buffer, path: string): MonoAudio {
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  for (let offset = 12; offset + 8 <= file.length; ) {
    const id = file.toString('ascii', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = file.readUInt16LE(body);
      channels = file.readUInt16LE(body + 2);
      sampleRate = file.readUInt32LE(body + 4);
      bits = file.readUInt16LE(body + 14);
      // WAVE_FORMAT_EXTENSIBLE: the real format code is the sub-format GUID's first two bytes.
      if (format === 0xfffe && size >= 26) format = file.readUInt16LE(body + 24);
    } else if (id === 'data') {
      if (!channels || !sampleRate) throw new Error(`${path}: data before fmt`);
      const bytesPerSample = bits / 8;
      const frames = Math.floor(Math.min(size, file.length - body) / (bytesPerSample * channels));
      const read = sampleReader(file, format, bits, path);
      const samples = new Float32Array(frames);
      for (let frame = 0; frame < frames; frame++) {
        let sum = 0;
        for (let channel = 0; channel < channels; channel++) sum += read(body + (frame * channels + channel) * bytesPerSample);
        samples[frame] = sum / channels;
      }
      return { samples, sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

function sampleReader(file: Buffer, format: number, bits: number, path: string): (at: number) => number {
  if (format === 1 && bits === 16) return (at) => file.readInt16LE(at) / 32768;
  if (format === 1 && bits === 24) return (at) => file.readIntLE(at, 3) / 8388608;
  if (format === 1 && bits === 32) return (at) => file.readInt32LE(at) / 2147483648;
  if (format === 3 && bits === 32) return (at) => file.readFloatLE(at);
  throw new Error(`${path}: unsupported WAV encoding (format ${format}, ${bits} bits)`);
}

async function readFlac(file: Buffer): Promise<MonoAudio> {
  const decoder = new FLACDecoder();
  await decoder.ready;
  try {
    const { channelData, sampleRate } = await decoder.decodeFile(new Uint8Array(file));
    const samples = new Float32Array(channelData[0].length);
    for (const channel of channelData) for (let i = 0; i < samples.length; i++) samples[i] += channel[i] / channelData.length;
    return { samples, sampleRate };
  } finally {
    decoder.free();
  }
}
