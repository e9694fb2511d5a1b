import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type AsrEngine, type StreamOptions } from '../index.ts';
import { keytermProblem } from './recognizer.ts';

/**
 * Capabilities are reported, and what a stream asks for beyond them is said, never silently
 * dropped: keyterms on a search that cannot bias toward them give the stream a warning.
 */
const testdata = resolve(import.meta.dirname, '../testdata');
const options: StreamOptions = { sampleRate: 16000, encoding: 'pcm_s16le', minTurnSilenceMs: 400, maxTurnSilenceMs: 1280, vadThreshold: 0.5, endOfTurnConfidenceThreshold: 0.5 };

describe('keytermProblem', () => {
  const ctc = { decodings: ['greedy_search', 'modified_beam_search'] as const, keytermDecodings: ['modified_beam_search'] as const };
  const caps = { decodings: [...ctc.decodings], keytermDecodings: [...ctc.keytermDecodings] };
  it('none without keyterms, none where the search uses them', () => {
    expect(keytermProblem(caps, 't_one_ctc', 'greedy_search', [])).toBeNull();
    expect(keytermProblem(caps, 't_one_ctc', 'modified_beam_search', ['Earshot'])).toBeNull();
  });
  it('names the search that would use them, or says none would', () => {
    expect(keytermProblem(caps, 't_one_ctc', 'greedy_search', ['Earshot'])).toMatch(/greedy_search does not use keyterms; they apply with modified_beam_search/);
    expect(keytermProblem({ ...caps, keytermDecodings: [] }, 'zipformer2', 'modified_beam_search', ['Earshot'])).toMatch(/no search of this model can bias toward them/);
  });
});

describe('engine: capabilities and keyterm warnings', () => {
  let ctc: AsrEngine;
  let transducer: AsrEngine;

  beforeAll(async () => {
    [ctc, transducer] = await Promise.all([
      createEngine({ modelDir: `${testdata}/nemo-ctc-random`, workers: 1, vad: false }),
      createEngine({ modelDir: `${testdata}/zipformer2-random`, workers: 1, vad: false }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([ctc?.close(), transducer?.close()]);
  });

  it('ModelInfo reports the recognizer capabilities', () => {
    expect(ctc.model.capabilities).toEqual({ decodings: ['greedy_search', 'modified_beam_search'], keytermDecodings: ['modified_beam_search'] });
    expect(transducer.model.capabilities).toEqual({ decodings: ['greedy_search', 'modified_beam_search'], keytermDecodings: [] });
  });

  it('CTC: keyterms with beam search are used (no warning), with greedy search they are a warning', () => {
    const beam = ctc.createStream({ ...options, decoding: 'modified_beam_search', keyterms: ['Earshot'] });
    expect(beam.warnings).toEqual([]);
    const greedy = ctc.createStream({ ...options, decoding: 'greedy_search', keyterms: ['Earshot'] });
    expect(greedy.warnings).toEqual([expect.stringMatching(/nemo_ctc model's greedy_search does not use keyterms/)]);
    const plain = ctc.createStream({ ...options, decoding: 'greedy_search' });
    expect(plain.warnings).toEqual([]);
    plain.updateKeyterms([]);
    expect(plain.warnings).toEqual([]);
    plain.updateKeyterms(['gRPC']);
    expect(plain.warnings).toHaveLength(1);
    for (const s of [beam, greedy, plain]) s.close();
  });

  it('a search the recognizer does not run: a warning, and the stream gets one it runs', async () => {
    const nemo = await createEngine({ modelDir: `${testdata}/nemo-transducer-random`, workers: 1, vad: false });
    try {
      expect(nemo.model.capabilities.decodings).toEqual(['greedy_search']);
      const s = nemo.createStream({ ...options, decoding: 'modified_beam_search', keyterms: ['Earshot'] });
      expect(s.warnings).toEqual([
        expect.stringMatching(/modified_beam_search is not available for the nemo_transducer model: this stream is decoded with greedy_search/),
        expect.stringMatching(/nemo_transducer model's greedy_search does not use keyterms; no search of this model can bias/),
      ]);
      const events: string[] = [];
      s.on((e) => events.push(e.kind));
      s.push(new Uint8Array(32000 * 2));
      await s.flush();
      expect(events).not.toContain('error');
      s.close();
    } finally {
      await nemo.close();
    }
  });

  it('transducer: keyterms are a warning with either search', () => {
    for (const decoding of ['greedy_search', 'modified_beam_search'] as const) {
      const s = transducer.createStream({ ...options, decoding, keyterms: ['Earshot'] });
      expect(s.warnings, decoding).toEqual([expect.stringMatching(/no search of this model can bias toward them/)]);
      s.close();
    }
  });
});
