import { createRequire } from 'node:module';
import { resamplerAlignment } from '../audio/resampler.ts';

/**
 * The independent reference: sherpa-onnx-node decoding a whole file the way its streaming
 * examples do (accept all audio, decode while ready). Returns its tokens, their output-frame
 * indices and how many frames it decoded.
 */
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sherpa = require('sherpa-onnx-node');

export interface SherpaResult {
  text: string;
  tokens: string[];
  frames: number[];
  decodedFrames: number;
}

export type SherpaModelConfig = (
  | { kind: 't_one_ctc'; dir: string; frameSeconds: number; framesPerChunk: number; file?: string }
  | { kind: 'transducer'; encoder: string; decoder: string; joiner: string; tokens: string; frameSeconds: number; framesPerChunk: number }
  /** One-file fbank CTC models (sherpa-onnx's zipformer2Ctc and nemoCtc configs). */
  | { kind: 'zipformer2_ctc' | 'nemo_ctc'; model: string; tokens: string; frameSeconds: number; framesPerChunk: number }
) & {
  /**
   * The model's input rate. Where the audio is at another rate, sherpaDecode puts the zeros of
   * Earshot's resampler alignment (StreamPipeline) in front, so both decode the same samples.
   */
  sampleRate?: number;
};

export function createSherpaRecognizer(model: SherpaModelConfig, decodingMethod = 'greedy_search', numThreads = 1): any {
  const modelConfig =
    model.kind === 't_one_ctc'
      ? { toneCtc: { model: `${model.dir}/${model.file ?? 'model.onnx'}` }, tokens: `${model.dir}/tokens.txt` }
      : model.kind === 'transducer'
        ? { transducer: { encoder: model.encoder, decoder: model.decoder, joiner: model.joiner }, tokens: model.tokens }
        : { [model.kind === 'nemo_ctc' ? 'nemoCtc' : 'zipformer2Ctc']: { model: model.model }, tokens: model.tokens };
  return new sherpa.OnlineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: { ...modelConfig, numThreads, provider: 'cpu', debug: 0 },
    decodingMethod,
    maxActivePaths: 4,
    enableEndpoint: 0,
  });
}

export function sherpaDecode(recognizer: any, model: SherpaModelConfig, samples: Float32Array, sampleRate: number, tailPaddingSeconds = 0): SherpaResult {
  const stream = recognizer.createStream();
  const lead = model.sampleRate ? resamplerAlignment(sampleRate, model.sampleRate).inputSamples : 0;
  const led = new Float32Array(lead + samples.length);
  led.set(samples, lead);
  stream.acceptWaveform({ samples: led, sampleRate });
  if (tailPaddingSeconds > 0) stream.acceptWaveform({ samples: new Float32Array(Math.round(tailPaddingSeconds * sampleRate)), sampleRate });
  // Fbank models: flush the feature extractor's last frames (T-one reads raw samples).
  if (model.kind !== 't_one_ctc') stream.inputFinished();
  let calls = 0;
  while (recognizer.isReady(stream)) {
    recognizer.decode(stream);
    calls++;
  }
  const r = recognizer.getResult(stream);
  // Timestamps are in seconds: back to output-frame indices.
  const frames = (r.timestamps as number[]).map((t) => Math.round(t / model.frameSeconds));
  return {
    text: r.text,
    tokens: r.tokens,
    frames,
    decodedFrames: calls * model.framesPerChunk,
  };
}
