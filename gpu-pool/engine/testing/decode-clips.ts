import type { DecodedToken } from '../decoders/chunk-result.ts';
import type { Recognizer } from '../recognizers/recognizer.ts';
import { StreamPipeline } from '../scheduler/stream-pipeline.ts';
import { toFloat, type AudioFile } from './audio-files.ts';

export interface NamedClip {
  name: string;
  audio: AudioFile;
}

/**
 * Decodes every clip through the same code path the inference worker runs (stream pipeline →
 * recognizer.runBatch → greedy search). Audio goes in irregular pieces, since the streaming front end
 * must not care; `batched` stacks all ready streams in each encoder call, otherwise one at a time.
 */
export async function decodeClipsLikeTheWorker(model: Recognizer, clips: NamedClip[], batched = true) {
  const pipes = clips.map((c) => new StreamPipeline(c.name, c.audio.sampleRate, model, 'greedy_search', null));
  const tokens = pipes.map(() => [] as DecodedToken[]);
  const blanks = pipes.map(() => [] as number[]);
  clips.forEach((c, i) => {
    const x = toFloat(c.audio.samples);
    for (let p = 0, k = 0; p < x.length; k++) {
      const n = [160, 4001, 333, 8000][k % 4];
      pipes[i].accept(x.subarray(p, p + n));
      p += n;
    }
    pipes[i].finish();
  });
  for (;;) {
    let ready = pipes.map((p, i) => [p, i] as const).filter(([p]) => p.frontEnd.readyCount > 0);
    if (ready.length === 0) break;
    if (!batched) ready = ready.slice(0, 1);
    const results = await model.runBatch(
      ready.map(([p]) => p.modelState) as never,
      ready.map(([p]) => p.frontEnd.take()!),
    );
    ready.forEach(([, i], k) => {
      tokens[i].push(...results[k].tokens);
      blanks[i].push(...results[k].blankProbs);
    });
  }
  return { tokens, blanks };
}
