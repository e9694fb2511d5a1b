/**
 * The contract of the settings a client chooses for its session: audio format, turn detection
 * and keyterms, with their limits, defaults and schemas. The gateway's query and
 * UpdateConfiguration parsers, the worker's SessionConfig adapter and the engine's stream options
 * all check against this one module, so a limit changed here changes everywhere at once and the
 * gateway never accepts what a worker would refuse after Begin.
 *
 * It sits at the bottom of gpu-pool and imports nothing of the project, so the engine (which
 * imports nothing above it) and the gateway (which sees gpu-pool only from above) can both use it.
 */
import { z } from 'zod';

/** A numeric setting's closed interval; `integer` settings refuse fractions. */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

export const AUDIO_ENCODINGS = ['pcm_s16le', 'pcm_mulaw'] as const;
export type AudioEncoding = (typeof AUDIO_ENCODINGS)[number];
export const DEFAULT_ENCODING: AudioEncoding = 'pcm_s16le';

/**
 * Sample rates a stream may declare (Hz): whatever a telephone or a browser produces, since the
 * engine resamples to its model's rate. The maximum also sizes the largest legal audio frame
 * (runtime/config/limits.ts).
 */
export const SAMPLE_RATE_RANGE: Range = { min: 8_000, max: 96_000, integer: true };
export const MIN_SAMPLE_RATE = SAMPLE_RATE_RANGE.min;
export const MAX_SAMPLE_RATE = SAMPLE_RATE_RANGE.max;
/** What a client gets without sample_rate (the cloud's default). */
export const DEFAULT_SAMPLE_RATE = 16_000;

export interface TurnDetectionOptions {
  /** Silence after speech needed to end a turn when the end-of-turn confidence is high (ms). */
  minTurnSilenceMs: number;
  /** Silence after which a turn ends whatever the confidence (ms). */
  maxTurnSilenceMs: number;
  /** VAD probability below which a frame counts as silence (0–1). */
  vadThreshold: number;
  /** End-of-turn confidence above which `minTurnSilenceMs` suffices (0–1). */
  endOfTurnConfidenceThreshold: number;
}

const SILENCE_MS: Range = { min: 0, max: 60_000, integer: true };
const PROBABILITY: Range = { min: 0, max: 1, integer: false };

export const TURN_DETECTION_RANGES: Readonly<Record<keyof TurnDetectionOptions, Range>> = {
  minTurnSilenceMs: SILENCE_MS,
  maxTurnSilenceMs: SILENCE_MS,
  vadThreshold: PROBABILITY,
  endOfTurnConfidenceThreshold: PROBABILITY,
};

/** Universal-Streaming "balanced" preset (spec §5.1): what a v3 client gets for what it leaves out. */
export const DEFAULT_TURN_DETECTION: Readonly<TurnDetectionOptions> = {
  minTurnSilenceMs: 400,
  maxTurnSilenceMs: 1280,
  vadThreshold: 0.4,
  endOfTurnConfidenceThreshold: 0.4,
};

/**
 * min_turn_silence must not exceed max_turn_silence, counting the default for the one not given;
 * the problem in the client's terms, or undefined when the order is right.
 */
export function turnSilenceOrderProblem(options: Partial<TurnDetectionOptions>): string | undefined {
  const { minTurnSilenceMs, maxTurnSilenceMs } = { ...DEFAULT_TURN_DETECTION, ...options };
  return minTurnSilenceMs > maxTurnSilenceMs ? `min_turn_silence (${minTurnSilenceMs}) exceeds max_turn_silence (${maxTurnSilenceMs})` : undefined;
}

/** keyterms_prompt: longer lists and terms are cut by the gateway (with a Warning) and refused by the worker. */
export const MAX_KEYTERMS = 100;
export const MAX_KEYTERM_LENGTH = 50;

export function keytermsWithinLimits(keyterms: readonly string[]): boolean {
  return keyterms.length <= MAX_KEYTERMS && keyterms.every((term) => term.length <= MAX_KEYTERM_LENGTH);
}

export function cutKeytermsToLimits(keyterms: readonly string[]): string[] {
  return keyterms.slice(0, MAX_KEYTERMS).map((term) => term.slice(0, MAX_KEYTERM_LENGTH));
}

/** A setting given as a JSON or wire number. */
export function numberInRange({ min, max, integer }: Range) {
  return (integer ? z.number().int() : z.number()).min(min).max(max);
}

export const keytermsSchema = z.array(z.string().max(MAX_KEYTERM_LENGTH)).max(MAX_KEYTERMS);

export const turnDetectionSchema = z.object({
  minTurnSilenceMs: numberInRange(TURN_DETECTION_RANGES.minTurnSilenceMs).optional(),
  maxTurnSilenceMs: numberInRange(TURN_DETECTION_RANGES.maxTurnSilenceMs).optional(),
  vadThreshold: numberInRange(TURN_DETECTION_RANGES.vadThreshold).optional(),
  endOfTurnConfidenceThreshold: numberInRange(TURN_DETECTION_RANGES.endOfTurnConfidenceThreshold).optional(),
});

/**
 * A stream's audio format and turn detection in the engine's terms, before the turn-detection
 * defaults are filled in. Keyterms are not in it: their limits bound what a client may send, and
 * the engine's search takes any list (evaluations bias it with whole reference sentences).
 */
export const streamSettingsSchema = turnDetectionSchema.extend({
  sampleRate: numberInRange(SAMPLE_RATE_RANGE),
  encoding: z.enum(AUDIO_ENCODINGS),
});

/** Zod's issues as one line: `path: message; ...`. */
export function describeSettingsProblem(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ');
}
