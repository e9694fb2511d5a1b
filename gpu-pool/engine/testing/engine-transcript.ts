import type { AsrEngine, AsrStream, StreamEvent, StreamOptions } from '../api.ts';
import { toBytes, type AudioFile } from './audio-files.ts';

/**
 * Pushes a whole file through the public engine API in pieces of the given sizes (cycled), flushes,
 * and returns the words of every ended turn. Turn splitting never changes words, so callers that
 * compare transcripts keep one turn per file (confidence threshold 1, long max silence).
 */
export async function finalWordsThroughEngine(
  engine: AsrEngine,
  audio: AudioFile,
  pieceBytes: number[],
  options: Partial<StreamOptions> = {},
  /** Called once the stream exists, before any audio (e.g. to send an update). */
  setUp?: (stream: AsrStream) => void,
  /** Push each piece once its audio would have been heard, as a live client does; default at once. */
  paced = false,
): Promise<string[]> {
  const stream = engine.createStream({
    sampleRate: audio.sampleRate,
    encoding: 'pcm_s16le',
    minTurnSilenceMs: 400,
    maxTurnSilenceMs: 60000,
    vadThreshold: 0.5,
    endOfTurnConfidenceThreshold: 1,
    ...options,
  });
  setUp?.(stream);
  const finals: string[] = [];
  stream.on((e: StreamEvent) => {
    if (e.kind === 'end_of_turn') finals.push(...e.words.map((w) => w.text));
  });
  const bytes = toBytes(audio.samples);
  const started = performance.now();
  for (let p = 0, k = 0; p < bytes.length; k++) {
    const n = pieceBytes[k % pieceBytes.length];
    if (paced) {
      const due = (((p + n) / 2 / audio.sampleRate) * 1000) - (performance.now() - started);
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    }
    stream.push(bytes.subarray(p, p + n));
    p += n;
  }
  await stream.flush();
  stream.close();
  return finals;
}

/** The text a token sequence spells (sentencepiece "▁" = word start; <blk>-style symbols dropped). */
export function tokensToText(tokens: Array<{ id: number }>, symbols: string[]): string {
  return tokens
    .map((t) => symbols[t.id])
    .filter((s) => !/^<.*>$/.test(s))
    .join('')
    .replace(/▁/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}
