/**
 * TEMPORARY scaffold until gpu-pool/engine lands: a deterministic AsrEngine that "recognises" one
 * word per 500 ms of pushed audio. Lets the gRPC tests run; to be replaced by the real engine.
 */
import type { AsrEngine, AsrStream, RecognizedWord, StreamEvent, StreamOptions } from '../../engine/api.ts';

export function createScriptedEngine(): AsrEngine {
  let active = 0;
  let counter = 0;
  return {
    model: { type: 'scripted', sampleRate: 16000, chunkMs: 100, vocabSize: 0, provider: 'cpu' },
    get activeStreams() {
      return active;
    },
    createStream(options: StreamOptions): AsrStream {
      if (options.sampleRate <= 0) throw Object.assign(new Error('bad rate'), { code: 'INVALID_OPTIONS' });
      active += 1;
      const listeners: Array<(event: StreamEvent) => void> = [];
      let closed = false;
      let samples = 0;
      let words: RecognizedWord[] = [];
      const emit = (event: StreamEvent) => !closed && listeners.forEach((listener) => listener(event));
      const endTurn = (reason: 'forced' | 'flush') => {
        if (words.length === 0) return;
        const final = words.map((word) => ({ ...word, isFinal: true }));
        words = [];
        emit({ kind: 'end_of_turn', words: final, confidence: 0.9, reason });
      };
      return {
        id: `scripted-${++counter}`,
        push(audio) {
          if (closed || audio.length === 0) return;
          const before = Math.floor(((samples / options.sampleRate) * 1000) / 500);
          if (samples === 0) emit({ kind: 'speech_started', timestampMs: 0, confidence: 0.8 });
          samples += audio.length / (options.encoding === 'pcm_s16le' ? 2 : 1);
          const after = Math.floor(((samples / options.sampleRate) * 1000) / 500);
          for (let index = before; index < after; index++) {
            words.push({ text: `word${index}`, startMs: index * 500, endMs: index * 500 + 400, confidence: 0.9, isFinal: false });
            emit({ kind: 'words', words: [...words] });
          }
        },
        updateOptions() {},
        forceEndpoint() {
          endTurn('forced');
        },
        async flush() {
          endTurn('flush');
        },
        close() {
          if (closed) return;
          closed = true;
          active -= 1;
        },
        on(listener) {
          listeners.push(listener);
        },
      };
    },
    async close() {},
  };
}
