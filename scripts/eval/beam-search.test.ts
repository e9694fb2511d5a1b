// Earshot's beam search with the language model and lexicon shipped in models/earshot-en
// (decoding.json) against its greedy search, through the engine, on held-out synthetic speech.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsrEngine } from '../../gpu-pool/engine/api.ts';
import { readAudio, type Audio } from './audio.js';
import { createEvalEngine, transcribeAll } from './earshot.js';
import { heldoutFixtures } from './sets.js';
import { MODEL_DIR } from './sherpa.js';
import { corpusWer } from './wer.js';

let engine: AsrEngine;
let audios: Audio[];
const utts = heldoutFixtures();

beforeAll(async () => {
  engine = await createEvalEngine(MODEL_DIR);
  audios = await Promise.all(utts.map((u) => readAudio(u.path)));
});
afterAll(() => engine?.close());

describe('beam search with the shipped language model and lexicon', () => {
  it('ships decoding.json with its files', () => {
    for (const f of ['decoding.json', 'lm.arpa.gz', 'lexicon.txt']) expect(existsSync(join(MODEL_DIR, f))).toBe(true);
  });

  it('beats greedy search by a wide margin on held-out sentences', async () => {
    const wer = async (decoding: 'greedy_search' | 'modified_beam_search') => {
      const hyps = await transcribeAll(engine, audios, decoding);
      return corpusWer(utts.map((u, i) => ({ ref: u.ref, hyp: hyps[i] }))).wer;
    };
    const greedy = await wer('greedy_search');
    const beam = await wer('modified_beam_search');
    console.log(`held-out fixtures: greedy WER ${(greedy * 100).toFixed(2)} %, beam + LM + lexicon ${(beam * 100).toFixed(2)} %`);
    // Measured on the dev set: 62 % → 43 %; the bound leaves room for a different model.
    expect(beam).toBeLessThanOrEqual(greedy - 0.08);
  });
});
