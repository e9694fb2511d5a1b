// Reference decoding of models/earshot-en with sherpa-onnx-node (independent decoder).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { MonoAudio } from '../../gpu-pool/engine/audio/audio-file.ts';

const require = createRequire(import.meta.url);

export const MODEL_DIR = join(import.meta.dirname, '..', '..', 'models', 'earshot-en');

// sherpa-onnx decodes a T-one chunk only once the NEXT chunk has arrived, and does not pad the
// last partial chunk on inputFinished(): 2 chunks (600 ms at 8 kHz) + slack of silence flush it.
export const TAIL_PADDING_SECONDS = 0.8;

export interface RecognizerOptions {
  modelDir?: string;
  modelFile?: string; // 'model.onnx' | 'model.int8.onnx'
  numThreads?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Recognizer = any;

export function createRecognizer(opts: RecognizerOptions = {}): Recognizer {
  const sherpa = require('sherpa-onnx-node');
  const dir = opts.modelDir ?? MODEL_DIR;
  return new sherpa.OnlineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      toneCtc: { model: join(dir, opts.modelFile ?? 'model.onnx') },
      tokens: join(dir, 'tokens.txt'),
      numThreads: opts.numThreads ?? 1,
      provider: 'cpu',
      debug: 0,
    },
    decodingMethod: 'greedy_search',
  });
}

/** Streams the audio in 100 ms pieces (as a live client would) and returns the final text. */
export function transcribe(rec: Recognizer, audio: MonoAudio, pieceSeconds = 0.1): string {
  const stream = rec.createStream();
  const piece = Math.max(1, Math.round(audio.sampleRate * pieceSeconds));
  const feed = (samples: Float32Array) => {
    stream.acceptWaveform({ samples, sampleRate: audio.sampleRate });
    while (rec.isReady(stream)) rec.decode(stream);
  };
  for (let i = 0; i < audio.samples.length; i += piece) feed(audio.samples.subarray(i, i + piece));
  feed(new Float32Array(Math.round(audio.sampleRate * TAIL_PADDING_SECONDS)));
  stream.inputFinished();
  while (rec.isReady(stream)) rec.decode(stream);
  return String(rec.getResult(stream).text ?? '').trim();
}
