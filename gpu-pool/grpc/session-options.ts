/**
 * Turns the wire SessionConfig / TurnDetection into engine StreamOptions, validating them against
 * the session-settings contract so a bad config fails the call with INVALID_ARGUMENT before any
 * engine state is allocated.
 */
import type { StreamOptions } from '../engine/api.ts';
import {
  DEFAULT_TURN_DETECTION,
  describeSettingsProblem,
  keytermsSchema,
  streamSettingsSchema,
  turnDetectionSchema,
  turnSilenceOrderProblem,
  type AudioEncoding,
  type TurnDetectionOptions,
} from '../session-settings.ts';
import type { WireAudioEncoding, WireSessionConfig, WireTurnDetection } from '../proto/messages.ts';

const sessionConfigSchema = streamSettingsSchema.extend({ keyterms: keytermsSchema });

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

const ENCODINGS: Record<WireAudioEncoding, AudioEncoding> = {
  AUDIO_ENCODING_UNSPECIFIED: 'pcm_s16le',
  PCM_S16LE: 'pcm_s16le',
  PCM_MULAW: 'pcm_mulaw',
};

/** Validates a mid-stream keyterms replacement (the same limits as at the start). */
export function toKeyterms(terms: unknown): Validated<string[]> {
  const parsed = keytermsSchema.safeParse(terms ?? []);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: describeSettingsProblem(parsed.error) };
}

/** Drops unset fields (proto3 leaves them null or absent) so a partial update keeps the current values. */
function definedOnly(wire: WireTurnDetection): Partial<TurnDetectionOptions> {
  const out: Partial<TurnDetectionOptions> = {};
  for (const key of ['minTurnSilenceMs', 'maxTurnSilenceMs', 'vadThreshold', 'endOfTurnConfidenceThreshold'] as const) {
    const value = wire[key];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

export function toStreamOptions(config: WireSessionConfig): Validated<StreamOptions> {
  const wireEncoding = config.encoding ?? 'AUDIO_ENCODING_UNSPECIFIED';
  if (!Object.hasOwn(ENCODINGS, wireEncoding)) return { ok: false, message: `encoding: '${String(config.encoding)}' is not an audio encoding` };
  const parsed = sessionConfigSchema.safeParse({
    ...definedOnly(config.turnDetection ?? {}),
    sampleRate: config.sampleRate,
    encoding: ENCODINGS[wireEncoding],
    keyterms: config.keyterms ?? [],
  });
  if (!parsed.success) return { ok: false, message: describeSettingsProblem(parsed.error) };
  const options = { ...DEFAULT_TURN_DETECTION, ...parsed.data };
  const orderProblem = turnSilenceOrderProblem(options);
  return orderProblem ? { ok: false, message: orderProblem } : { ok: true, value: options };
}

/** Validates a mid-stream UpdateConfiguration against the stream's current options. */
export function toTurnDetectionUpdate(
  update: WireTurnDetection,
  current: TurnDetectionOptions,
): Validated<{ update: Partial<TurnDetectionOptions>; next: TurnDetectionOptions }> {
  const parsed = turnDetectionSchema.safeParse(definedOnly(update));
  if (!parsed.success) return { ok: false, message: describeSettingsProblem(parsed.error) };
  const next = { ...current, ...parsed.data };
  const orderProblem = turnSilenceOrderProblem(next);
  return orderProblem ? { ok: false, message: orderProblem } : { ok: true, value: { update: parsed.data, next } };
}
