import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsrEngine, StreamEvent, StreamOptions } from '../api.ts';
import { createEngine } from '../index.ts';
import { readAudioFile, toBytes, type AudioFile } from '../testing/audio-files.ts';

/**
 * Turns of audio that arrives faster than real time (a file streamed as fast as the socket takes
 * it, or a worker catching up): one worker result then holds seconds of audio, and each turn must
 * still end where its silence is, with its own words.
 */
const projectModel = resolve(import.meta.dirname, '../../../models/earshot-en');
const heldout = resolve(import.meta.dirname, '../../../scripts/eval/fixtures/heldout');
const options: StreamOptions = { sampleRate: 8000, encoding: 'pcm_s16le', minTurnSilenceMs: 400, maxTurnSilenceMs: 1280, vadThreshold: 0.5, endOfTurnConfidenceThreshold: 0.5 };

let engine: AsrEngine;
let first: AudioFile;
let second: AudioFile;

beforeAll(async () => {
  engine = await createEngine({ modelDir: projectModel, workers: 1, threadsPerWorker: 1, batchWindowMs: 2 });
  first = await readAudioFile(`${heldout}/heldout-0000.wav`);
  second = await readAudioFile(`${heldout}/heldout-0001.wav`);
});

afterAll(async () => {
  await engine?.close();
});

/** Pushes all samples in one piece, flushes, and returns each ended turn's text. */
async function turnsOf(samples: Int16Array): Promise<string[]> {
  const stream = engine.createStream(options);
  const turns: string[] = [];
  stream.on((e: StreamEvent) => {
    if (e.kind === 'end_of_turn') turns.push(e.words.map((w) => w.text).join(' '));
  });
  stream.push(toBytes(samples));
  await stream.flush();
  stream.close();
  return turns;
}

describe('EngineStream fed faster than real time', () => {
  it('two sentences 2 s apart, pushed at once: two turns, the first with exactly its sentence', async () => {
    expect(first.sampleRate).toBe(options.sampleRate);
    const gap = new Int16Array(options.sampleRate * 2);
    const both = new Int16Array(first.samples.length + gap.length + second.samples.length);
    both.set(first.samples, 0);
    both.set(second.samples, first.samples.length + gap.length);

    const [alone] = await turnsOf(first.samples);
    const turns = await turnsOf(both);
    expect(alone.split(' ').length).toBeGreaterThan(5);
    expect(turns).toHaveLength(2);
    expect(turns[0]).toBe(alone);
    // The second sentence starts from the first one's model state, so its words may differ a
    // little from the file decoded alone; none of the first sentence's words may leak into it.
    const [secondAlone] = await turnsOf(second.samples);
    expect(Math.abs(turns[1].split(' ').length - secondAlone.split(' ').length)).toBeLessThanOrEqual(1);
  });
});
