// The CTC network's output for a whole dev set, computed once, so that a decoding grid search runs
// only the search per setting (seconds) instead of the network and the search (minutes).
// Audio goes through the engine's own resampler and front end, chunk by chunk, with streams batched
// as the inference worker batches them: the log-probs are the ones a served session sees.
import { StreamingResampler } from '../../gpu-pool/engine/audio/resampler.ts';
import type { CtcModel } from '../../gpu-pool/engine/models/model.ts';
import { CtcRecognizer } from '../../gpu-pool/engine/recognizers/ctc-recognizer.ts';
import { loadRecognizer } from '../../gpu-pool/engine/recognizers/load-recognizer.ts';
import type { Recognizer } from '../../gpu-pool/engine/recognizers/recognizer.ts';
import type { MonoAudio } from '../../gpu-pool/engine/audio/audio-file.ts';

/** One chunk's log-probs, [frames, vocab] row-major. */
export interface PosteriorChunk {
  logProbs: Float32Array;
  frames: number;
}

export interface DevPosteriors {
  recognizer: Recognizer;
  model: CtcModel;
  vocab: number;
  /** Per utterance, its chunks in order. */
  utterances: PosteriorChunk[][];
}

/** Runs the served network file (`preferInt8`) over every utterance, `batch` streams per call. */
export async function devPosteriors(modelDir: string, audios: MonoAudio[], opts: { preferInt8?: boolean; batch?: number } = {}): Promise<DevPosteriors> {
  const recognizer = await loadRecognizer(modelDir, { provider: 'cpu', intraOpThreads: 1, preferInt8: opts.preferInt8 ?? true });
  if (!(recognizer instanceof CtcRecognizer)) throw new Error(`${modelDir}: the cached search tuner needs a CTC model`);
  const model = recognizer.model;
  const rate = model.description.sampleRate;
  const utterances: PosteriorChunk[][] = audios.map(() => []);
  let vocab = 0;
  const batch = opts.batch ?? 16;
  for (let start = 0; start < audios.length; start += batch) {
    const lanes = audios.slice(start, start + batch).map((a, k) => {
      const frontEnd = model.createFrontEnd();
      if (a.sampleRate === rate) frontEnd.accept(a.samples);
      else {
        const resampler = new StreamingResampler(a.sampleRate, rate);
        // As the worker's StreamPipeline: the alignment lead first.
        frontEnd.accept(resampler.process(new Float32Array(resampler.alignmentInputSamples)));
        frontEnd.accept(resampler.process(a.samples));
        frontEnd.accept(resampler.process(new Float32Array(0), true));
      }
      frontEnd.finish();
      return { index: start + k, frontEnd, state: model.createState() };
    });
    for (;;) {
      const ready = lanes.filter((l) => l.frontEnd.readyCount > 0);
      if (ready.length === 0) break;
      const { logProbs, frames, vocab: v } = await model.forward(
        ready.map((l) => l.state),
        ready.map((l) => l.frontEnd.take()!),
      );
      vocab = v;
      ready.forEach((l, b) => utterances[l.index].push({ logProbs: logProbs.slice(b * frames * v, (b + 1) * frames * v), frames }));
    }
  }
  return { recognizer, model, vocab, utterances };
}
