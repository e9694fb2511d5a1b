// Decoding with Earshot's own engine (its beam search and the model folder's language model),
// the way the ASR worker serves sessions: whole files pushed in 100 ms pieces, turns joined.
import type { AsrStream, StreamOptions } from '../../gpu-pool/engine/api.ts';
import { createEngine, type AsrEngine } from '../../gpu-pool/engine/index.ts';
import { createLogger } from '../../runtime/logger.ts';
import type { DecodingMethod } from '../../gpu-pool/engine/models/model.ts';
import { finalWordsThroughEngine } from '../../gpu-pool/engine/testing/engine-transcript.ts';
import type { MonoAudio } from '../../gpu-pool/engine/audio/audio-file.ts';

/** The engine's logs, as in the ASR worker (the engine itself logs nothing unless given a logger). */
const engineLogger = createLogger('asr-engine');

/** `vad`: run the Silero VAD as a worker does; the VAD seal (decoders/finalization.ts) needs it. */
export function createEvalEngine(modelDir: string, preferInt8 = false, vad = false): Promise<AsrEngine> {
  return createEngine({ modelDir, vad, preferInt8, logger: engineLogger });
}

export interface TranscribeOptions {
  /** Files decoded at once (the engine batches them across streams). Default 32. */
  concurrency?: number;
  /** Per file: stream options (e.g. keyterms) and what to do once its stream exists. */
  perStream?: (index: number) => { options?: Partial<StreamOptions>; setUp?: (stream: AsrStream) => void };
  /** Push each piece at real-time pace, as a live client does (the VAD seal and its look-ahead then act as in a session). */
  paced?: boolean;
}

/** Transcribe many files, each pushed in 100 ms pieces (at once, or paced) and flushed; turns joined. */
export async function transcribeAll(engine: AsrEngine, audios: MonoAudio[], decoding: DecodingMethod, opts: TranscribeOptions = {}): Promise<string[]> {
  const out: string[] = new Array(audios.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < audios.length; i = next++) {
      const a = audios[i];
      const samples = Int16Array.from(a.samples, (x) => Math.max(-32768, Math.min(32767, Math.round(x * 32768))));
      const piece = Math.round(a.sampleRate * 0.1) * 2;
      const extra = opts.perStream?.(i) ?? {};
      const words = await finalWordsThroughEngine(engine, { samples, sampleRate: a.sampleRate }, [piece], { decoding, ...extra.options }, extra.setUp, opts.paced);
      out[i] = words.join(' ');
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 32 }, lane));
  return out;
}
