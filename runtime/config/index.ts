/**
 * runtime/config: one validated object for a process, from the environment and the CLI flags.
 * Invalid settings stop the process at start with every problem listed, never at first use.
 */
import { grpcAsrPoolOptionsFromEnv, type GrpcAsrPoolOptions } from '../../gpu-pool/client/index.ts';
import { DEFAULT_PUNCTUATION_MODEL_DIR, parseSpeechModelRoutes, speechModelTable, type SpeechModelTable, type StreamingConfig } from '../../functions/streaming/index.ts';
import { sessionsConfigFromEnv, type SessionsConfig } from '../sessions/config.ts';
import { asrWorkerSettingsFromEnv, type AsrWorkerSettings } from './asr-worker.ts';
import { envSchema, ROLES, type Role } from './schema.ts';

export { ROLES, type Role } from './schema.ts';

export interface RuntimeConfig {
  role: Role;
  host: string;
  port: number;
  tls?: { certFile: string; keyFile: string; port: number };
  streaming: StreamingConfig;
  drainGraceMs: number;
  embeddedAsrPort: number;
  /** Serve the browser playground at GET /playground. */
  playground: boolean;
  /** Folder of the punctuation model for format_turns (functions/streaming/punctuation); null = off. */
  punctuationModelDir: string | null;
  sessions: SessionsConfig;
  /** Undefined when neither ASR_ROUTES nor ASR_ENDPOINT is set (fine for embedded). */
  asrPool?: GrpcAsrPoolOptions;
  /** The asr-worker role's settings; read only for that role, whose variables others do not use. */
  asrWorker?: AsrWorkerSettings;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `--role gateway`, `--role=gateway`, `--port 9000` → env overrides (flags beat the environment). */
export function flagsToEnv(argv: string[]): Record<string, string> {
  const names: Record<string, string> = { role: 'EARSHOT_ROLE', port: 'PORT', host: 'HOST', 'tls-port': 'TLS_PORT' };
  const out: Record<string, string> = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new ConfigError(`unexpected argument '${arg}'`);
    const name = names[match[1]];
    if (!name) throw new ConfigError(`unknown flag --${match[1]}; known: ${Object.keys(names).map((n) => `--${n}`).join(', ')}`);
    const value = match[2] ?? argv[++index];
    if (value === undefined) throw new ConfigError(`--${match[1]} needs a value`);
    out[name] = value;
  }
  return out;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, argv: string[] = []): RuntimeConfig {
  const merged = { ...env, ...flagsToEnv(argv) };
  // Seed-compatible alias for the role variable.
  merged.EARSHOT_ROLE ??= merged.ROLE;
  const given = Object.fromEntries(Object.entries(merged).filter(([key, value]) => key in envSchema.shape && value !== undefined && value !== ''));
  // Every part is read even when another has failed, so one failed start lists every problem.
  const parsed = envSchema.safeParse(given);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (Boolean(given.TLS_CERT_FILE) !== Boolean(given.TLS_KEY_FILE)) problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  const speechModels = readSpeechModels(given.SPEECH_MODEL_ROUTES ?? '', problems);
  const sessions = sessionsConfigFromEnv(merged);
  const asrPool = grpcAsrPoolOptionsFromEnv(merged);
  problems.push(...sessions.problems, ...asrPool.problems);
  // DRAIN_GRACE_MS is left out here because the schema already reads (and reports) it for every role.
  const asrWorker = merged.EARSHOT_ROLE === 'asr-worker' ? asrWorkerSettingsFromEnv({ ...merged, DRAIN_GRACE_MS: undefined }) : undefined;
  if (asrWorker) problems.push(...asrWorker.problems);
  if (!parsed.success || problems.length > 0) {
    const roles = parsed.error?.issues.some((i) => i.path[0] === 'EARSHOT_ROLE') ? `\n  (roles: ${ROLES.join(', ')})` : '';
    throw new ConfigError(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}${roles}`);
  }
  const e = parsed.data;
  return {
    role: e.EARSHOT_ROLE,
    host: e.HOST,
    port: e.PORT ?? e.AAI_WSS_PORT ?? 8080,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE, port: e.TLS_PORT } : undefined,
    streaming: {
      speechModels,
      rateBurstMs: e.AUDIO_RATE_BURST_SECONDS * 1000,
      lenientFinalChunk: e.LENIENT_FINAL_CHUNK,
      finishTimeoutMs: e.TERMINATE_TIMEOUT_MS,
      idleTimeoutMs: e.IDLE_SESSION_TIMEOUT_SECONDS * 1000,
      outboundBufferLimitBytes: e.OUTBOUND_BUFFER_LIMIT_BYTES,
      maxTurnMs: e.MAX_TURN_SECONDS * 1000,
      clientAudioBurstMs: e.CLIENT_AUDIO_BURST_SECONDS * 1000,
    },
    drainGraceMs: e.DRAIN_GRACE_MS,
    embeddedAsrPort: e.EMBEDDED_ASR_PORT,
    // A try-it page belongs on a developer's `npm start`, not on a production gateway unless asked for.
    playground: e.PLAYGROUND ?? e.EARSHOT_ROLE === 'embedded',
    punctuationModelDir: e.PUNCTUATION_MODEL === 'off' ? null : (e.PUNCTUATION_MODEL ?? DEFAULT_PUNCTUATION_MODEL_DIR),
    sessions: sessions.config,
    asrPool: asrPool.options,
    asrWorker: asrWorker && { ...asrWorker.settings, drainGraceMs: e.DRAIN_GRACE_MS },
  };
}

/** SPEECH_MODEL_ROUTES over the built-in table; a malformed entry is one more problem. */
function readSpeechModels(routes: string, problems: string[]): SpeechModelTable {
  try {
    return speechModelTable(parseSpeechModelRoutes(routes));
  } catch (error) {
    problems.push((error as Error).message);
    return speechModelTable();
  }
}
