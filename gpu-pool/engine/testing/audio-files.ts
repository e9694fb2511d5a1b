import { readFileSync } from 'node:fs';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { TESTDATA_DIR } from './test-data.ts';

/** Test/bench helper: mono audio from a 16-bit PCM WAV or a FLAC file, as s16 samples. */
export interface AudioFile {
  samples: Int16Array;
  sampleRate: number;
}

export async function readAudioFile(path: string): Promise<AudioFile> {
  const bytes = readFileSync(path);
  if (bytes.toString('ascii', 0, 4) === 'fLaC') return readFlac(bytes);
  return readWav(bytes, path);
}

function readWav(buf: Buffer, path: string): AudioFile {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV file`);
  let pos = 12;
  let rate = 0;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(pos + 8);
      const channels = buf.readUInt16LE(pos + 10);
      rate = buf.readUInt32LE(pos + 12);
      const bits = buf.readUInt16LE(pos + 22);
      if ((format !== 1 && format !== 0xfffe) || channels !== 1 || bits !== 16) throw new Error(`${path}: need 16-bit PCM mono`);
    } else if (id === 'data') {
      const n = Math.min(size, buf.length - pos - 8) >> 1;
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(pos + 8 + 2 * i);
      return { samples, sampleRate: rate };
    }
    pos += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

async function readFlac(bytes: Buffer): Promise<AudioFile> {
  const decoder = new FLACDecoder();
  await decoder.ready;
  try {
    const { channelData, sampleRate, bitDepth } = await decoder.decodeFile(new Uint8Array(bytes));
    const ch = channelData[0];
    const samples = new Int16Array(ch.length);
    // The decoder scales by 2^(bitDepth-1); undo it exactly for 16-bit sources.
    const scale = 2 ** ((bitDepth ?? 16) - 1);
    for (let i = 0; i < ch.length; i++) samples[i] = Math.max(-32768, Math.min(32767, Math.round(ch[i] * scale)));
    return { samples, sampleRate };
  } finally {
    decoder.free();
  }
}

export function toFloat(s: Int16Array): Float32Array {
  const out = new Float32Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i] / 32768;
  return out;
}

export function toBytes(s: Int16Array): Uint8Array {
  return new Uint8Array(s.buffer, s.byteOffset, s.byteLength);
}

export { TESTDATA_DIR } from './test-data.ts';

/** Every file of the real recordings (all_refs.tsv; callers check haveRealRecordings first) with its reference text. */
export function testdataFiles(root = TESTDATA_DIR): { path: string; reference: string }[] {
  const rows = readFileSync(`${root}/all_refs.tsv`, 'utf8').trim().split('\n').slice(1);
  return rows.map((r) => {
    const cols = r.split('\t');
    return { path: `${root}/${cols[0]}`, reference: cols[4] ?? '' };
  });
}
