import type { StreamOptions, TurnDetectionOptions } from '../api.ts';
import { EngineError } from '../errors.ts';
import { describeSettingsProblem, streamSettingsSchema, turnDetectionSchema } from '../../session-settings.ts';

/** The session-settings contract, checked again here because the engine is also used without the worker (benchmarks, evaluations). */
export function validateStreamOptions(o: StreamOptions): StreamOptions {
  if (!o || typeof o !== 'object') throw new EngineError('INVALID_OPTIONS', 'stream options are required');
  const parsed = streamSettingsSchema.safeParse(o);
  if (!parsed.success) throw new EngineError('INVALID_OPTIONS', describeSettingsProblem(parsed.error));
  if (o.decoding !== undefined && o.decoding !== 'greedy_search' && o.decoding !== 'modified_beam_search') {
    throw new EngineError('INVALID_OPTIONS', `decoding must be greedy_search or modified_beam_search (got ${String(o.decoding)})`);
  }
  return o;
}

export function validateTurnOptions(o: Partial<TurnDetectionOptions>): void {
  const parsed = turnDetectionSchema.safeParse(o);
  if (!parsed.success) throw new EngineError('INVALID_OPTIONS', describeSettingsProblem(parsed.error));
}
