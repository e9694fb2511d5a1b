/**
 * The punctuation and casing model of formatted final turns (format_turns=true): the words of a
 * turn in, per word the mark that follows it (none , . ?) and its case out. The models are trained
 * by scripts/punctuation/train.py and may be joined into one graph that averages their logits by
 * scripts/punctuation/ensemble.py (models/earshot-punct-en/, its README is the model card).
 *
 * onnxruntime-node runs the graph on its own thread pool (`run` is asynchronous), so a turn being
 * formatted never blocks the gateway's event loop; a session keeps its messages in order while it
 * waits (session.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

export type WordCase = 'lower' | 'capital' | 'upper';

export interface Punctuation {
  /** One per word: '', ',', '.' or '?', the mark written after it. */
  marks: string[];
  cases: WordCase[];
}

export interface Punctuator {
  punctuate(words: readonly string[]): Promise<Punctuation>;
}

interface ModelConfig {
  punctuation: string[];
  cases: WordCase[];
  unknown: number;
  number: number;
}

/** The default model, committed with the project. */
export const DEFAULT_PUNCTUATION_MODEL_DIR = new URL('../../../models/earshot-punct-en/', import.meta.url).pathname;

/** Longest run of words given to the model at once; longer turns go in consecutive pieces. */
const MAX_WORDS_PER_RUN = 256;

export class OnnxPunctuator implements Punctuator {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly config: ModelConfig,
  ) {}

  static async load(dir: string): Promise<OnnxPunctuator> {
    const [vocabText, configText] = await Promise.all([
      readFile(join(dir, 'vocab.txt'), 'utf8'),
      readFile(join(dir, 'config.json'), 'utf8'),
    ]);
    const vocab = new Map(vocabText.split('\n').filter(Boolean).map((word, id) => [word, id]));
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
      executionProviders: ['cpu'],
      // One turn is a few dozen words: one thread each, so concurrent turns do not contend.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    const punctuator = new OnnxPunctuator(session, vocab, JSON.parse(configText) as ModelConfig);
    // The first run of a session allocates its buffers (measured about 120 ms on the first turn): pay it at start, not on a client's turn.
    await punctuator.punctuate(['hello', 'there']);
    return punctuator;
  }

  async punctuate(words: readonly string[]): Promise<Punctuation> {
    const marks: string[] = [];
    const cases: WordCase[] = [];
    for (let start = 0; start < words.length; start += MAX_WORDS_PER_RUN) {
      const piece = words.slice(start, start + MAX_WORDS_PER_RUN);
      const ids = BigInt64Array.from(piece, (word) => BigInt(this.idOf(word)));
      const out = await this.session.run({ word_ids: new ort.Tensor('int64', ids, [1, ids.length]) });
      const punctuation = out.punctuation!.data as Float32Array;
      const casing = out.case!.data as Float32Array;
      for (let i = 0; i < piece.length; i++) {
        marks.push(this.config.punctuation[argmax(punctuation, i, this.config.punctuation.length)]!);
        cases.push(this.config.cases[argmax(casing, i, this.config.cases.length)]!);
      }
    }
    return { marks, cases };
  }

  private idOf(word: string): number {
    const key = word.toLocaleLowerCase('en').replace(/[^a-z0-9']/g, '');
    if (/^[0-9]/.test(key)) return this.config.number;
    return this.vocab.get(key) ?? this.config.unknown;
  }
}

function argmax(logits: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (logits[row * width + k]! > logits[row * width + best]!) best = k;
  return best;
}
