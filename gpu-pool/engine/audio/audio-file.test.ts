import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { SPEECH_FIXTURES } from '../testing/test-data.ts';
import { decodeAudio, decodeWav, readAudio } from './audio-file.ts';
import { toBytes, toInt16, toPcm16Bytes } from './pcm16.ts';

/** A WAV file built by the library from integer (or float) samples per channel. */
function wavBytes(channels: number[][], bitDepth: string, rate = 8000): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels.length, rate, bitDepth, channels.length === 1 ? channels[0] : channels);
  return wav.toBuffer();
}

const ramp = Array.from({ length: 400 }, (_, i) => Math.round(30000 * Math.sin(i / 7)));

describe('audio files', () => {
  it('reads the committed WAV and FLAC fixtures; the FLAC holds the same samples as its WAV', async () => {
    const wav = await readAudio(SPEECH_FIXTURES.wav16k);
    const flac = await readAudio(SPEECH_FIXTURES.flac16k);
    expect([wav.sampleRate, flac.sampleRate]).toEqual([16000, 16000]);
    expect(wav.samples.length).toBeGreaterThan(16000);
    expect(flac.samples.length).toBe(wav.samples.length);
    expect(flac.samples.every((x, i) => x === wav.samples[i])).toBe(true);
    expect((await readAudio(SPEECH_FIXTURES.wav22k)).sampleRate).toBe(22050);
  });

  it('16-bit PCM comes out as s / 32768 and goes back to the same bytes', () => {
    const bytes = readFileSync(SPEECH_FIXTURES.wav16k);
    const audio = decodeWav(bytes);
    const dataAt = bytes.indexOf('data') + 8;
    expect(toPcm16Bytes(audio.samples)).toEqual(new Uint8Array(bytes.subarray(dataAt, dataAt + audio.samples.length * 2)));
    const mono = decodeWav(wavBytes([ramp], '16'));
    expect(Array.from(mono.samples.subarray(0, 20))).toEqual(ramp.slice(0, 20).map((s) => Math.fround(s / 32768)));
  });

  it('other encodings decode to the same signal: 8, 24 and 32-bit integer, 32-bit float, µ-law', () => {
    const reference = decodeWav(wavBytes([ramp], '16')).samples;
    const variants: [string, number[], number][] = [
      ['8', ramp.map((s) => Math.round(s / 256) + 128), 1 / 128],
      ['24', ramp.map((s) => s * 256), 1e-6],
      ['32', ramp.map((s) => s * 65536), 1e-6],
      ['32f', ramp.map((s) => s / 32768), 1e-7],
    ];
    for (const [depth, samples, tolerance] of variants) {
      const decoded = decodeWav(wavBytes([samples], depth)).samples;
      expect(decoded.length, depth).toBe(reference.length);
      expect(Math.max(...decoded.map((x, i) => Math.abs(x - reference[i]))), depth).toBeLessThanOrEqual(tolerance);
    }
    const mulaw = new wavefile.WaveFile(wavBytes([ramp], '16'));
    mulaw.toMuLaw();
    const decoded = decodeWav(mulaw.toBuffer()).samples;
    // G.711's step at full scale is 1/32 of a 16-bit sample's range over 32768.
    expect(Math.max(...decoded.map((x, i) => Math.abs(x - reference[i])))).toBeLessThan(0.02);
  });

  it('mixes every channel into one', () => {
    // Even samples, so the mean of the two is a whole 16-bit value.
    const left = ramp.map((s) => 2 * Math.trunc(s / 2));
    const right = ramp.map((s) => -2 * Math.trunc(s / 4));
    const { samples, sampleRate } = decodeWav(wavBytes([left, right], '16', 44100));
    expect(sampleRate).toBe(44100);
    expect(Array.from(toInt16(samples).subarray(0, 50))).toEqual(left.slice(0, 50).map((s, i) => (s + right[i]) / 2));
  });

  it('names the file when it is not audio it can read', async () => {
    await expect(decodeAudio(new TextEncoder().encode('hello, world'), 'notes.txt')).rejects.toThrow('notes.txt: not a WAV, FLAC or Ogg Vorbis file');
    const truncated = wavBytes([ramp], '16').subarray(0, 30);
    expect(() => decodeWav(truncated, 'cut.wav')).toThrow(/^cut\.wav: unreadable WAV/);
  });

  it('toBytes views the samples without copying', () => {
    const samples = new Int16Array([1, -2, 3]);
    expect(toBytes(samples).buffer).toBe(samples.buffer);
  });
});
