import { hostname } from 'node:os';
import { EVALUATION_MAX_SESSIONS } from '../config/limits.ts';
import type { UsageSettings } from '../usage/settings.ts';

/**
 * Everything the business layer reads from the environment, in one place.
 * The runtime's config may build this object itself; sessionsConfigFromEnv is the env default.
 */
export interface SessionsConfig {
  /** Set = scale-out (Redis registry + BullMQ usage queue); unset = in-memory embedded default. */
  redisUrl?: string;
  /** Key prefix in Redis; tests use one per file. BullMQ queues use it too. */
  redisPrefix: string;
  gatewayId: string;
  heartbeatIntervalMs: number;
  /** A session whose gateway has not heartbeated for this long is reaped and billed. */
  heartbeatTtlMs: number;
  /** Allow-list of API keys; empty = any non-empty Authorization (the self-hosted default). */
  apiKeys: string[];
  maxSessionSeconds: number;
  licence: {
    filePath?: string;
    publicKeys?: string;
    serverUrl?: string;
    issuer?: string;
    audience?: string;
    checkinIntervalMs: number;
    trustWindowMs: number;
    evaluationMaxSessions: number;
    /** How often gateways re-read the licence view the proxy published to Redis. */
    mirrorPollMs: number;
  };
  usage: UsageSettings;
}

type Env = Record<string, string | undefined>;

/**
 * Reads numbers from the environment, noting every bad one instead of throwing at the first, so
 * one failed start lists everything an operator has to fix (runtime/config gathers the problems).
 */
function numberReader(env: Env) {
  const problems: string[] = [];
  return {
    problems,
    int(name: string, fallback: number): number {
      const raw = env[name];
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      if (Number.isFinite(n) && n >= 0) return n;
      problems.push(`${name} must be a non-negative number, got ${raw}`);
      return fallback;
    },
  };
}

function opt(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** EVALUATION_MAX_SESSIONS may lower the fixed evaluation cap; a licence is what raises it. */
function evaluationCap(env: Env, read: ReturnType<typeof numberReader>): number {
  const n = read.int('EVALUATION_MAX_SESSIONS', EVALUATION_MAX_SESSIONS);
  if (Number.isInteger(n) && n <= EVALUATION_MAX_SESSIONS) return n;
  read.problems.push(`EVALUATION_MAX_SESSIONS must be a whole number from 0 to ${EVALUATION_MAX_SESSIONS} (evaluation mode is capped at ${EVALUATION_MAX_SESSIONS} concurrent sessions; a licence raises the limit), got ${env.EVALUATION_MAX_SESSIONS}`);
  return EVALUATION_MAX_SESSIONS;
}

/** The sessions settings and every problem with their variables (a bad value leaves its default in `config`). */
export function sessionsConfigFromEnv(env: Env = process.env): { config: SessionsConfig; problems: string[] } {
  const read = numberReader(env);
  const config: SessionsConfig = {
    redisUrl: opt(env, 'REDIS_URL'),
    redisPrefix: env.EARSHOT_REDIS_PREFIX ?? 'earshot:',
    gatewayId: opt(env, 'EARSHOT_GATEWAY_ID') ?? `${hostname()}-${process.pid}`,
    heartbeatIntervalMs: read.int('SESSION_HEARTBEAT_INTERVAL_MS', 5000),
    heartbeatTtlMs: read.int('SESSION_HEARTBEAT_TTL_MS', 15000),
    apiKeys: (env.EARSHOT_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    maxSessionSeconds: read.int('MAX_SESSION_DURATION_SECONDS', 10800),
    licence: {
      filePath: opt(env, 'LICENSE_FILE_PATH'),
      publicKeys: opt(env, 'LICENSE_PUBLIC_KEYS'),
      serverUrl: opt(env, 'LICENSE_SERVER_URL'),
      issuer: opt(env, 'LICENSE_ISSUER'),
      audience: opt(env, 'LICENSE_AUDIENCE'),
      checkinIntervalMs: read.int('LICENSE_CHECKIN_INTERVAL_MS', 60_000),
      trustWindowMs: read.int('LICENSE_TRUST_WINDOW_MS', 24 * 3600_000),
      evaluationMaxSessions: evaluationCap(env, read),
      mirrorPollMs: read.int('LICENSE_MIRROR_POLL_MS', 2000),
    },
    usage: {
      queueName: env.USAGE_QUEUE_NAME ?? 'earshot-usage',
      trackerUrl: opt(env, 'USAGE_TRACKER_URL'),
      apiKey: opt(env, 'USAGE_TRACKING_API_KEY'),
      batchIntervalMs: read.int('USAGE_BATCH_INTERVAL_MS', 3000),
      batchMax: read.int('USAGE_BATCH_MAX', 500),
      retryBudgetMs: read.int('USAGE_RETRY_BUDGET_MS', 30 * 60_000),
      backoffInitialMs: read.int('USAGE_BACKOFF_INITIAL_MS', 1000),
      backoffMaxMs: read.int('USAGE_BACKOFF_MAX_MS', 60_000),
      backlogWarn: read.int('USAGE_BACKLOG_WARN', 1000),
      lockMs: read.int('USAGE_LOCK_MS', 30_000),
    },
  };
  return { config, problems: read.problems };
}

/** The sessions settings, or an Error listing every bad variable (for processes that read only these). */
export function readSessionsConfig(env: Env = process.env): SessionsConfig {
  const { config, problems } = sessionsConfigFromEnv(env);
  if (problems.length > 0) throw new Error(`invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  return config;
}
