/**
 * Turns the wire SessionConfig / TurnDetection into engine StreamOptions, validating them so a bad
 * config fails the call with INVALID_ARGUMENT before any engine state is allocated.
 */
import { z } from 'zod';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, type AudioEncoding, type StreamOptions, type TurnDetectionOptions } from '../engine/api.ts';
import type { WireAudioEncoding, WireSessionConfig, WireTurnDetection } from './messages.ts';

/** Universal-Streaming "balanced" preset (spec §5.1): the defaults a v3 client gets. */
export const DEFAULT_TURN_DETECTION: TurnDetectionOptions = {
  minTurnSilenceMs: 400,
  maxTurnSilenceMs: 1280,
  vadThreshold: 0.4,
  endOfTurnConfidenceThreshold: 0.4,
};

const silenceMs = z.number().int().min(0).max(60_000);
const probability = z.number().min(0).max(1);

const turnDetectionSchema = z.object({
  minTurnSilenceMs: silenceMs.optional(),
  maxTurnSilenceMs: silenceMs.optional(),
  vadThreshold: probability.optional(),
  endOfTurnConfidenceThreshold: probability.optional(),
});

const sessionConfigSchema = z.object({
  // The engine resamples; anything a telephone or a browser produces is accepted.
  sampleRate: z.number({ error: 'sample_rate is required' }).int().min(MIN_SAMPLE_RATE).max(MAX_SAMPLE_RATE),
  encoding: z.enum(['AUDIO_ENCODING_UNSPECIFIED', 'PCM_S16LE', 'PCM_MULAW']).optional(),
  turnDetection: turnDetectionSchema.optional(),
  // The gateway already cut keyterms_prompt to its limits (and warned the client).
  keyterms: z.array(z.string().max(50)).max(100).optional(),
});

const keytermsSchema = z.array(z.string().max(50)).max(100);

/** Validates a mid-stream keyterms replacement (the same limits as at the start). */
export function toKeyterms(terms: unknown): Validated<string[]> {
  const parsed = keytermsSchema.safeParse(terms ?? []);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: describe(parsed.error) };
}

const ENCODINGS: Record<WireAudioEncoding, AudioEncoding> = {
  AUDIO_ENCODING_UNSPECIFIED: 'pcm_s16le',
  PCM_S16LE: 'pcm_s16le',
  PCM_MULAW: 'pcm_mulaw',
};

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ');
}

/** Drops unset fields so a partial update keeps the current values. */
function definedOnly(wire: WireTurnDetection): Partial<TurnDetectionOptions> {
  const out: Partial<TurnDetectionOptions> = {};
  for (const key of ['minTurnSilenceMs', 'maxTurnSilenceMs', 'vadThreshold', 'endOfTurnConfidenceThreshold'] as const) {
    const value = wire[key];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

function checkOrder(options: TurnDetectionOptions): string | undefined {
  return options.minTurnSilenceMs > options.maxTurnSilenceMs
    ? `min_turn_silence_ms (${options.minTurnSilenceMs}) exceeds max_turn_silence_ms (${options.maxTurnSilenceMs})`
    : undefined;
}

export function toStreamOptions(config: WireSessionConfig): Validated<StreamOptions> {
  const parsed = sessionConfigSchema.safeParse(config);
  if (!parsed.success) return { ok: false, message: describe(parsed.error) };
  const turnDetection = { ...DEFAULT_TURN_DETECTION, ...definedOnly(parsed.data.turnDetection ?? {}) };
  const orderError = checkOrder(turnDetection);
  if (orderError) return { ok: false, message: orderError };
  return {
    ok: true,
    value: {
      ...turnDetection,
      sampleRate: parsed.data.sampleRate,
      encoding: ENCODINGS[parsed.data.encoding ?? 'AUDIO_ENCODING_UNSPECIFIED'],
      keyterms: parsed.data.keyterms ?? [],
    },
  };
}

/** Validates a mid-stream UpdateConfiguration against the stream's current options. */
export function toTurnDetectionUpdate(
  update: WireTurnDetection,
  current: TurnDetectionOptions,
): Validated<{ update: Partial<TurnDetectionOptions>; next: TurnDetectionOptions }> {
  const parsed = turnDetectionSchema.safeParse(definedOnly(update));
  if (!parsed.success) return { ok: false, message: describe(parsed.error) };
  const next = { ...current, ...parsed.data };
  const orderError = checkOrder(next);
  if (orderError) return { ok: false, message: orderError };
  return { ok: true, value: { update: parsed.data, next } };
}
