// Decoding with Earshot's own engine (its beam search and the model folder's language model),
// the way the ASR worker serves sessions: whole files pushed in 100 ms pieces, turns joined.
import { createEngine, type AsrEngine } from '../../gpu-pool/engine/index.ts';
import type { DecodingMethod } from '../../gpu-pool/engine/models/model.ts';
import { finalWordsThroughEngine } from '../../gpu-pool/engine/testing/engine-transcript.ts';
import type { Audio } from './audio.js';

export function createEvalEngine(modelDir: string, preferInt8 = false): Promise<AsrEngine> {
  return createEngine({ modelDir, vad: false, preferInt8 });
}

/** Transcribe many files at once (the engine batches them across streams). */
export async function transcribeAll(engine: AsrEngine, audios: Audio[], decoding: DecodingMethod, concurrency = 32): Promise<string[]> {
  const out: string[] = new Array(audios.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < audios.length; i = next++) {
      const a = audios[i];
      const samples = Int16Array.from(a.samples, (x) => Math.max(-32768, Math.min(32767, Math.round(x * 32768))));
      const piece = Math.round(a.sampleRate * 0.1) * 2;
      out[i] = (await finalWordsThroughEngine(engine, { samples, sampleRate: a.sampleRate }, [piece], { decoding })).join(' ');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return out;
}
