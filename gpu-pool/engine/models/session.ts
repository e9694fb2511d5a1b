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
  /**
   * The finalisation policy of every search (decoders/finalization.ts): a word is committed once
   * its end is this many ms in the past; null = off; undefined = DEFAULT_FINALIZE_AFTER_MS.
   */
  finalizeAfterMs?: number | null;
}

/** One place that turns Earshot's settings into onnxruntime session options. */
export async function openSession(path: string, settings: SessionSettings): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: settings.provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    intraOpNumThreads: settings.intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: optimizationLevel(path),
    executionMode: 'sequential',
  });
}

/**
 * Full-precision graphs: 'basic' measured 3-9 % faster per stream-chunk than 'extended' and 'all'
 * on the T-one model at batch 16-32 (the layout transforms of the higher levels do not pay off at
 * streaming batch sizes). int8 graphs (`*.int8.onnx`, dynamic quantisation): 'all' measured 6 %
 * faster than 'basic', from the fusions of the quantise / integer-matmul / rescale chains that
 * only the higher levels apply. docs/benchmarks.md.
 */
function optimizationLevel(path: string): 'basic' | 'all' {
  return /\.int8\.onnx$/.test(path) ? 'all' : 'basic';
}

export { ort };
