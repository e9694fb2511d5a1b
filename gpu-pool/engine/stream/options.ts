import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, type StreamOptions, type TurnDetectionOptions } from '../api.ts';
import { EngineError } from '../errors.ts';

export function validateStreamOptions(o: StreamOptions): StreamOptions {
  if (!o || typeof o !== 'object') throw new EngineError('INVALID_OPTIONS', 'stream options are required');
  if (!Number.isInteger(o.sampleRate) || o.sampleRate < MIN_SAMPLE_RATE || o.sampleRate > MAX_SAMPLE_RATE) {
    throw new EngineError('INVALID_OPTIONS', `sampleRate must be an integer in [${MIN_SAMPLE_RATE}, ${MAX_SAMPLE_RATE}] (got ${o.sampleRate})`);
  }
  if (o.encoding !== 'pcm_s16le' && o.encoding !== 'pcm_mulaw') {
    throw new EngineError('INVALID_OPTIONS', `encoding must be pcm_s16le or pcm_mulaw (got ${String(o.encoding)})`);
  }
  if (o.decoding !== undefined && o.decoding !== 'greedy_search' && o.decoding !== 'modified_beam_search') {
    throw new EngineError('INVALID_OPTIONS', `decoding must be greedy_search or modified_beam_search (got ${String(o.decoding)})`);
  }
  validateTurnOptions(o);
  return o;
}

export function validateTurnOptions(o: Partial<TurnDetectionOptions>): void {
  const check = (name: keyof TurnDetectionOptions, lo: number, hi: number) => {
    const v = o[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
      throw new EngineError('INVALID_OPTIONS', `${name} must be a number in [${lo}, ${hi}] (got ${String(v)})`);
    }
  };
  check('minTurnSilenceMs', 0, 60_000);
  check('maxTurnSilenceMs', 0, 60_000);
  check('vadThreshold', 0, 1);
  check('endOfTurnConfidenceThreshold', 0, 1);
}
