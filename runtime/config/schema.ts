/**
 * The runtime's own environment variables, validated with zod. Each entry names its variable(s),
 * default and meaning; the README's configuration table is written from this file.
 * Role-specific settings owned by other parts (sessions, ASR pool, ASR worker) are read by their
 * own modules and only gathered here.
 */
import { z } from 'zod';
import { parseBoolean } from '../../gpu-pool/parse-boolean.ts';
import { DRAIN_GRACE_MS } from './drain.ts';
import { CLIENT_AUDIO_BURST_SECONDS, IDLE_SESSION_SECONDS, MAX_TURN_SECONDS, OUTBOUND_BUFFER_LIMIT_BYTES } from './limits.ts';

export const ROLES = ['embedded', 'gateway', 'asr-worker', 'license-proxy', 'usage-reporter', 'reference-upstream'] as const;
export type Role = (typeof ROLES)[number];

/** A yes/no variable, read as everywhere else (gpu-pool/parse-boolean.ts); anything else is an error. */
const flag = z.string().transform((raw, ctx) => {
  const value = parseBoolean(raw);
  if (value === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be true or false' });
  return value ?? false;
});

const port = z.coerce.number().int().min(0).max(65535);

export const envSchema = z.object({
  EARSHOT_ROLE: z.enum(ROLES).default('embedded'),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  /** Main port; the seed's AAI_WSS_PORT works too. */
  PORT: port.optional(),
  AAI_WSS_PORT: port.optional(),
  TLS_CERT_FILE: z.string().trim().min(1).optional(),
  TLS_KEY_FILE: z.string().trim().min(1).optional(),
  TLS_PORT: port.default(8443),
  /** speech_model=label overrides of the built-in table. */
  SPEECH_MODEL_ROUTES: z.string().default(''),
  AUDIO_RATE_BURST_SECONDS: z.coerce.number().min(0).default(60),
  LENIENT_FINAL_CHUNK: flag.default(true),
  TERMINATE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** The idle rule: a session whose client sends nothing this long ends (functions/streaming/limits.ts). */
  IDLE_SESSION_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(IDLE_SESSION_SECONDS),
  /** Bytes a client may leave unread before its session ends with 3005 (limits.ts). */
  OUTBOUND_BUFFER_LIMIT_BYTES: z.coerce.number().int().min(64 * 1024).default(OUTBOUND_BUFFER_LIMIT_BYTES),
  /** The maximum turn length (limits.ts). */
  MAX_TURN_SECONDS: z.coerce.number().min(1).max(3600).default(MAX_TURN_SECONDS),
  /** Audio ahead of real time per client address, over all its sessions (limits.ts). */
  CLIENT_AUDIO_BURST_SECONDS: z.coerce.number().min(0).default(CLIENT_AUDIO_BURST_SECONDS),
  /** How long live sessions may run on after SIGTERM before they are ended (drain.ts). */
  DRAIN_GRACE_MS: z.coerce.number().int().min(0).default(DRAIN_GRACE_MS),
  /** Embedded: the in-process worker's gRPC port on 127.0.0.1 (0 = any free port). */
  EMBEDDED_ASR_PORT: port.default(0),
  /** GET /playground (functions/playground); unset = on in the embedded role only. */
  PLAYGROUND: flag.optional(),
  /** The punctuation model of formatted final turns: a model folder, or 'off' for the formatter's rules only. */
  PUNCTUATION_MODEL: z.string().trim().min(1).optional(),
});

export type RuntimeEnv = z.infer<typeof envSchema>;
