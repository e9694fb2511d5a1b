/**
 * Connection parameters from the upgrade URL (spec §1.3), parsed the way real clients send them:
 * booleans in any case (`true` from Node, `True` from Python), lists as a JSON array string or as
 * repeated keys, legacy names (min_end_of_turn_silence_when_confident, keyterms, formatted_finals,
 * language). Unknown parameters are ignored, as the cloud does.
 */
import { z } from 'zod';
import { parseBoolean } from '../../gpu-pool/parse-boolean.ts';
import {
  AUDIO_ENCODINGS,
  DEFAULT_ENCODING,
  DEFAULT_SAMPLE_RATE,
  SAMPLE_RATE_RANGE,
  TURN_DETECTION_RANGES,
  type AudioEncoding,
  type Range,
} from '../../gpu-pool/session-settings.ts';

export type Encoding = AudioEncoding;

export interface StreamingParams {
  sampleRate: number;
  encoding: Encoding;
  /** As sent (undefined when absent); resolved to a model version by speech-models.ts. */
  speechModel?: string;
  /** Legacy (self-hosted ≤ v0.4) routing: `en` or absent → English, anything else → multilingual. */
  language?: string;
  formatTurns: boolean;
  keyterms: string[];
  endOfTurnConfidenceThreshold?: number;
  minTurnSilenceMs?: number;
  maxTurnSilenceMs?: number;
  vadThreshold?: number;
  /** Seconds without any client message before the session ends; undefined = the idle rule (limits.ts). */
  inactivityTimeoutSeconds?: number;
  /** session_heartbeat: a Heartbeat message every second (voice-activity.ts). */
  sessionHeartbeat: boolean;
  /** acknowledge_silence: Silence messages during pauses (voice-activity.ts). */
  acknowledgeSilence: boolean;
  token?: string;
  /** Features a client asked for that Earshot does not implement (reported as a Warning). */
  unsupported: string[];
}

export type ParseResult = { ok: true; params: StreamingParams } | { ok: false; message: string };

const lenientBoolean = z.string().transform((raw, ctx) => {
  const value = parseBoolean(raw);
  if (value !== undefined) return value;
  ctx.addIssue({ code: 'custom', message: `must be true or false, got '${raw}'` });
  return z.NEVER;
});

/**
 * Plain decimal notation only ("16000", "0.5", ".5"): Number() would also take "0x3e80", "1.6e4",
 * "Infinity" and " 16000 ", which no client means and which made sample_rate=0x3e80 a valid rate.
 */
function numberFrom(raw: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(raw) ? Number(raw) : Number.NaN;
}

/** A numeric setting given as query text, within its contract range (gpu-pool/session-settings.ts). */
const numberIn = ({ min, max, integer }: Range) =>
  z.string().transform((raw, ctx) => {
    const value = numberFrom(raw);
    const fits = integer ? Number.isInteger(value) : Number.isFinite(value);
    if (!fits || value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: `must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got '${raw}'` });
      return z.NEVER;
    }
    return value;
  });

/** Query-only settings: the gateway's idle rule replaced per session (seconds). */
const INACTIVITY_TIMEOUT_SECONDS: Range = { min: 5, max: 3600, integer: true };

/** A list given as repeated keys, a JSON array string, or both; a plain single value is one item. */
const lenientList = z.array(z.string()).transform((values, ctx) => {
  const items: string[] = [];
  for (const value of values) {
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        ctx.addIssue({ code: 'custom', message: `is not a valid JSON array: ${trimmed.slice(0, 80)}` });
        return z.NEVER;
      }
      if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string')) {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of strings' });
        return z.NEVER;
      }
      items.push(...(parsed as string[]));
    } else if (trimmed !== '') {
      items.push(value);
    }
  }
  return items;
});

const schema = z.object({
  sample_rate: numberIn(SAMPLE_RATE_RANGE).default(DEFAULT_SAMPLE_RATE),
  encoding: z
    .string()
    .transform((raw) => raw.trim().toLowerCase())
    .pipe(z.enum(AUDIO_ENCODINGS, { error: (issue) => `'${String(issue.input)}' is not supported; expected ${AUDIO_ENCODINGS.join(' or ')}` }))
    .default(DEFAULT_ENCODING),
  speech_model: z.string().optional(),
  language: z.string().optional(),
  format_turns: lenientBoolean.optional(),
  formatted_finals: lenientBoolean.optional(),
  keyterms_prompt: lenientList.optional(),
  keyterms: lenientList.optional(),
  end_of_turn_confidence_threshold: numberIn(TURN_DETECTION_RANGES.endOfTurnConfidenceThreshold).optional(),
  min_turn_silence: numberIn(TURN_DETECTION_RANGES.minTurnSilenceMs).optional(),
  min_end_of_turn_silence_when_confident: numberIn(TURN_DETECTION_RANGES.minTurnSilenceMs).optional(),
  max_turn_silence: numberIn(TURN_DETECTION_RANGES.maxTurnSilenceMs).optional(),
  vad_threshold: numberIn(TURN_DETECTION_RANGES.vadThreshold).optional(),
  inactivity_timeout: numberIn(INACTIVITY_TIMEOUT_SECONDS).optional(),
  session_heartbeat: lenientBoolean.optional(),
  acknowledge_silence: lenientBoolean.optional(),
  token: z.string().optional(),
});

/** Parameters that ask for features Earshot does not implement: accepted, ignored, warned about. */
const UNSUPPORTED_FLAGS = ['speaker_labels', 'language_detection', 'filter_profanity', 'redact_pii', 'continuous_partials'];
const UNSUPPORTED_VALUES = ['llm_gateway', 'webhook_url', 'domain', 'prompt', 'agent_context'];

const LIST_PARAMS = new Set(['keyterms_prompt', 'keyterms']);

/** Query string → one string per key (the first), or every value for list parameters. */
function collect(query: URLSearchParams): Record<string, string | string[]> {
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    if (!(key in schema.shape)) continue;
    raw[key] = LIST_PARAMS.has(key) ? query.getAll(key) : (query.get(key) ?? '');
  }
  return raw;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`.trim()).join('; ');
}

export function parseStreamingParams(query: URLSearchParams): ParseResult {
  const parsed = schema.safeParse(collect(query));
  if (!parsed.success) return { ok: false, message: describe(parsed.error) };
  const p = parsed.data;
  const unsupported = [
    ...UNSUPPORTED_FLAGS.filter((name) => parseBoolean(query.get(name) ?? '') === true),
    ...UNSUPPORTED_VALUES.filter((name) => (query.get(name)?.trim() ?? '') !== ''),
  ];
  return {
    ok: true,
    params: {
      sampleRate: p.sample_rate,
      encoding: p.encoding,
      speechModel: p.speech_model?.trim() || undefined,
      language: p.language?.trim() || undefined,
      formatTurns: p.format_turns ?? p.formatted_finals ?? false,
      keyterms: p.keyterms_prompt ?? p.keyterms ?? [],
      endOfTurnConfidenceThreshold: p.end_of_turn_confidence_threshold,
      minTurnSilenceMs: p.min_turn_silence ?? p.min_end_of_turn_silence_when_confident,
      maxTurnSilenceMs: p.max_turn_silence,
      vadThreshold: p.vad_threshold,
      inactivityTimeoutSeconds: p.inactivity_timeout,
      sessionHeartbeat: p.session_heartbeat ?? false,
      acknowledgeSilence: p.acknowledge_silence ?? false,
      token: p.token?.trim() || undefined,
      unsupported,
    },
  };
}
