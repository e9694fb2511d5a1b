import * as ort from 'onnxruntime-node';

export interface SessionSettings {
  provider: 'cpu' | 'cuda';
  intraOpThreads: number;
  /** Pick *.int8.onnx over the full-precision file when both exist. */
  preferInt8?: boolean;
  /**
   * Load a beam search's language model and lexicon with the model (default), or only when the
   * first stream asks for a beam search: they cost about 80 MiB per worker that greedy never uses.
   */
  preloadSearch?: boolean;
}

/** One place that turns Earshot's settings into onnxruntime session options. */
export async function openSession(path: string, settings: SessionSettings): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: settings.provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    intraOpNumThreads: settings.intraOpThreads,
    interOpNumThreads: 1,
    // 'basic' measured 5-9 % faster per stream-chunk than 'extended' and 'all' on the 14-block
    // T-one model at batch 16-32 (the layout transforms of the higher levels do not pay off at
    // streaming batch sizes); docs/benchmarks.md.
    graphOptimizationLevel: 'basic',
    executionMode: 'sequential',
  });
}

export { ort };
