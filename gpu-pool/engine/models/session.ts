import * as ort from 'onnxruntime-node';

export interface SessionSettings {
  provider: 'cpu' | 'cuda';
  intraOpThreads: number;
}

/** One place that turns Earshot's settings into onnxruntime session options. */
export async function openSession(path: string, settings: SessionSettings): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: settings.provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    intraOpNumThreads: settings.intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
}

export { ort };
