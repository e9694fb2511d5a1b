/**
 * Final words (issue 25) over the real stack, served configuration (int8 model, beam search with
 * LM and lexicon): a word sent with word_is_final: true never changes in any later Turn, and in a
 * session paced at real time words become final within the finalisation bound
 * (decoders/finalization.ts) plus what the path adds: the model's 300 ms chunk, one 100 ms client
 * frame, the model's token lag and a tolerance for a loaded CI machine. Without the policy words
 * waited for every beam path to agree: 1-3 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FINALIZE_AFTER_MS, SEAL_AFTER_MS } from '../../gpu-pool/engine/decoders/finalization.ts';
import { createEngine, type AsrEngine } from '../../gpu-pool/engine/index.ts';
import { readAudioFile, type AudioFile } from '../../gpu-pool/engine/testing/audio-files.ts';
import { TEST_MODEL_DIR, TEST_WAV } from '../../gpu-pool/grpc/testing/test-engine.ts';
import { startTestServer, TestClient, type TestServer } from './testing/harness.ts';

let engine: AsrEngine;
let server: TestServer;
let audio: AudioFile;

beforeAll(async () => {
  engine = await createEngine({ modelDir: TEST_MODEL_DIR, workers: 1, threadsPerWorker: 1, decoding: 'auto', preferInt8: true, finalizeAfterMs: DEFAULT_FINALIZE_AFTER_MS });
  // Unformatted turns only: no punctuation model needed.
  server = await startTestServer({ PUNCTUATION_MODEL: 'off' }, engine);
  audio = await readAudioFile(TEST_WAV);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await engine?.close();
});

interface Word {
  text: string;
  start: number;
  end: number;
  confidence: number;
  word_is_final: boolean;
}
interface Turn {
  at: number;
  turn_order: number;
  end_of_turn: boolean;
  words: Word[];
}

const FRAME_MS = 100;
const CHUNK_MS = 300;
const LAG_MS = 150; // the model emits a token up to about this long after its audio (bench:latency)
const TOLERANCE_MS = 500;

describe('final words', () => {
  it('never change once final, and become final within the bound in a paced session', async () => {
    const rate = audio.sampleRate;
    const frame = (rate * FRAME_MS) / 1000;
    const samples = new Int16Array(audio.samples.length + rate * 2); // 2 s of silence after the speech
    samples.set(audio.samples);
    const client = new TestClient(`${server.url}/v3/ws?sample_rate=${rate}`);
    const turns: Turn[] = [];
    client.socket.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'Turn') turns.push({ ...m, at: performance.now() });
    });
    await client.type('Begin');
    const sentAt: number[] = [];
    const started = performance.now();
    for (let i = 0; i * frame < samples.length; i++) {
      const due = started + (i + 1) * FRAME_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const part = samples.subarray(i * frame, (i + 1) * frame);
      client.sendAudio(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
      sentAt.push(performance.now());
    }
    client.send({ type: 'Terminate' });
    await client.closed;

    const finals = turns.filter((t) => t.end_of_turn);
    expect(finals.length).toBeGreaterThan(0);
    let checked = 0;
    const late: string[] = [];
    for (const final of finals) {
      const ofTurn = turns.filter((t) => t.turn_order === final.turn_order);
      final.words.forEach((word, i) => {
        const first = ofTurn.findIndex((t) => t.words[i]?.word_is_final);
        expect(first).toBeGreaterThanOrEqual(0);
        // Identical in every later Turn of its turn, the end_of_turn one included.
        for (const later of ofTurn.slice(first)) expect(later.words[i]).toEqual(ofTurn[first].words[i]);
        // A word with a successor is bounded by the policy; the last one by the seal (or the turn's end).
        const bound = (i < final.words.length - 1 ? DEFAULT_FINALIZE_AFTER_MS : SEAL_AFTER_MS) + CHUNK_MS + FRAME_MS + LAG_MS + TOLERANCE_MS;
        const audioSent = sentAt[Math.min(sentAt.length - 1, Math.ceil(word.end / FRAME_MS) - 1)];
        const delay = ofTurn[first].at - audioSent;
        checked++;
        if (delay > bound) late.push(`${word.text} (ends ${word.end} ms): final after ${Math.round(delay)} ms > ${bound}`);
      });
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(late).toEqual([]);
  }, 60_000);
});
