import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudioFile } from './audio-files.ts';
import { haveRealRecordings, SPEECH_FIXTURES } from './test-data.ts';

describe('test data locator', () => {
  const empty = mkdtempSync(join(tmpdir(), 'earshot-testdata-empty-'));
  const full = mkdtempSync(join(tmpdir(), 'earshot-testdata-full-'));
  writeFileSync(join(full, 'all_refs.tsv'), 'path\tx\n');
  afterAll(() => {
    rmSync(empty, { recursive: true, force: true });
    rmSync(full, { recursive: true, force: true });
  });

  it('with the recordings there, says yes and prints nothing', () => {
    const lines: string[] = [];
    expect(haveRealRecordings('a test', { dir: full, env: {}, log: (l) => lines.push(l) })).toBe(true);
    expect(haveRealRecordings('a test', { dir: full, env: { CI: 'true' }, log: (l) => lines.push(l) })).toBe(true);
    expect(lines).toEqual([]);
  });

  it('without them, skips with one line naming what is skipped, where it looked and how to fix it', () => {
    const lines: string[] = [];
    expect(haveRealRecordings('the real-speech part', { dir: empty, env: {}, log: (l) => lines.push(l) })).toBe(false);
    expect(haveRealRecordings('the real-speech part', { dir: empty, env: {}, log: (l) => lines.push(l) })).toBe(false);
    expect(lines).toEqual([`skipped: the real-speech part: no real recordings at ${empty} (put ../shared beside the checkout or set EARSHOT_TESTDATA)`]);
  });

  it('under CI=true a missing ../shared is an error, never a silent skip', () => {
    expect(() => haveRealRecordings('the real-speech part', { dir: empty, env: { CI: 'true' }, log: () => {} })).toThrow(/needs the real recordings.*CI=true/);
  });

  it('the committed speech fixtures are the same sentence at 22.05 and 16 kHz, WAV and FLAC', async () => {
    const [wav22, wav16, flac16] = await Promise.all([readAudioFile(SPEECH_FIXTURES.wav22k), readAudioFile(SPEECH_FIXTURES.wav16k), readAudioFile(SPEECH_FIXTURES.flac16k)]);
    expect([wav22.sampleRate, wav16.sampleRate, flac16.sampleRate]).toEqual([22050, 16000, 16000]);
    // The FLAC holds the 16 kHz WAV's samples (sox decodes them bit for bit; the wasm decoder's
    // float output rounds a few of them by one step).
    expect(flac16.samples.length).toBe(wav16.samples.length);
    let worst = 0;
    for (let i = 0; i < wav16.samples.length; i++) worst = Math.max(worst, Math.abs(flac16.samples[i] - wav16.samples[i]));
    expect(worst).toBeLessThanOrEqual(1);
    expect(Math.abs(wav22.samples.length / 22050 - wav16.samples.length / 16000)).toBeLessThan(0.001);
  });
});
