/**
 * Decodes a recording into mono float samples in −1…1, every channel mixed in: WAV in any encoding
 * the `wavefile` library reads (integer PCM of 8-32 bits, float, µ-law, A-law, IMA ADPCM; RIFF,
 * RIFX and RF64), FLAC and Ogg Vorbis (`@wasm-audio-decoders`). The one reader of audio files for
 * the example client, the evaluation and benchmark scripts and the tests; the server itself never
 * reads files, it receives PCM on the wire (pcm-decoder.ts).
 */
import { readFileSync } from 'node:fs';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import wavefile from 'wavefile';

export interface MonoAudio {
  samples: Float32Array;
  sampleRate: number;
}

export async function readAudio(path: string): Promise<MonoAudio> {
  return decodeAudio(readFileSync(path), path);
}

/** `name` only labels errors. */
export async function decodeAudio(bytes: Uint8Array, name = 'audio'): Promise<MonoAudio> {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic === 'fLaC') return decodeWith(new FLACDecoder(), bytes);
  if (magic === 'OggS') return decodeWith(new OggVorbisDecoder(), bytes);
  if (magic === 'RIFF' || magic === 'RIFX' || magic === 'RF64') return decodeWav(bytes, name);
  throw new Error(`${name}: not a WAV, FLAC or Ogg Vorbis file`);
}

/** WAV only, synchronously (the loopback tests read their recordings this way). */
export function decodeWav(bytes: Uint8Array, name = 'audio'): MonoAudio {
  let wav: wavefile.WaveFile;
  let decoded: Float64Array | Float64Array[];
  try {
    wav = new wavefile.WaveFile(bytes);
    // Companded and ADPCM encodings: the library expands them to 16-bit PCM.
    if (wav.bitDepth === '8m') wav.fromMuLaw();
    else if (wav.bitDepth === '8a') wav.fromALaw();
    else if (wav.bitDepth === '4') wav.fromIMAADPCM();
    decoded = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  } catch (err) {
    throw new Error(`${name}: unreadable WAV (${(err as Error).message})`);
  }
  const { sampleRate } = wav.fmt as { sampleRate: number };
  const channels = Array.isArray(decoded) ? decoded : [decoded];
  // Integer codes scale by 2^(bits-1), so 16-bit samples come out exactly as s / 32768 (the
  // library's own float conversion scales positive and negative halves differently).
  const code = wav.bitDepth;
  const [offset, scale] = code === '32f' || code === '64' ? [0, 1] : code === '8' ? [128, 128] : [0, 2 ** (Number(code) - 1)];
  return { samples: mixDown(channels, (x) => (x - offset) / scale), sampleRate };
}

function mixDown(channels: ArrayLike<number>[], toUnit: (x: number) => number = (x) => x): Float32Array {
  const out = new Float32Array(channels[0]?.length ?? 0);
  for (const channel of channels) for (let i = 0; i < out.length; i++) out[i] += toUnit(channel[i]) / channels.length;
  return out;
}

async function decodeWith(decoder: FLACDecoder | OggVorbisDecoder, bytes: Uint8Array): Promise<MonoAudio> {
  await decoder.ready;
  try {
    const { channelData, sampleRate, bitDepth } = (await decoder.decodeFile(bytes)) as { channelData: Float32Array[]; sampleRate: number; bitDepth?: number };
    if (decoder instanceof FLACDecoder && bitDepth) {
      // The FLAC decoder scales integer samples by 2^(bits-1) - 1; recover the integers so 16-bit
      // FLAC reads exactly as the same samples in a WAV do (s / 32768).
      const [from, to] = [2 ** (bitDepth - 1) - 1, 2 ** (bitDepth - 1)];
      for (const channel of channelData) for (let i = 0; i < channel.length; i++) channel[i] = Math.round(channel[i] * from) / to;
    }
    return { samples: channelData.length === 1 ? channelData[0] : mixDown(channelData), sampleRate };
  } finally {
    decoder.free();
  }
}
