/**
 * runtime/sessions: the business layer behind the gateway's SessionLifecycle.
 * createSessionLifecycle picks the embedded (memory) or scale-out (Redis + BullMQ) wiring.
 */
import { createLogger, type Logger } from '../logger.ts';
import { systemClock, type Clock } from '../license/clock.ts';
import { LicenceMonitor } from '../license/monitor.ts';
import { mirrorLicence } from '../license/redis-mirror.ts';
import type { LicenceSource } from '../license/source.ts';
import { createLogUsageSink } from '../usage/log-sink.ts';
import { createUsageQueue } from '../usage/queue.ts';
import type { UsageSink } from '../usage/sink.ts';
import type { SessionsConfig } from './config.ts';
import type { SessionLifecycle } from './lifecycle.ts';
import { MemorySessionRegistry } from './memory-registry.ts';
import { connectBullRedis, connectRegistryRedis } from './redis-connection.ts';
import { RedisSessionRegistry } from './redis-registry.ts';
import { RegistryLifecycle } from './registry-lifecycle.ts';
import { MemoryTokenStore, RedisTokenStore, type TokenStore } from './tokens.ts';

export { readSessionsConfig, type SessionsConfig } from './config.ts';
export { registerSessionMetrics } from './metrics.ts';
export type * from './lifecycle.ts';
export { REFUSALS, RegistryLifecycle } from './registry-lifecycle.ts';
export { isTemporaryToken, TOKEN_PREFIX, type TokenStore, type TokenGrant } from './tokens.ts';

/** What the runtime gets: the gateway's contract plus what metrics, /v3/token and shutdown need. */
export interface SessionLifecycleHandle extends SessionLifecycle {
  progress(sessionId: string, audioSeconds: number): void;
  /** Live sessions on this gateway, in the cluster, and per gateway: for prom-client gauges. */
  activeSessions(): Promise<{ gateway: number; total: number; byGateway: Record<string, number> }>;
  /** Issues temporary tokens (GET /v3/token) that authorize() consumes. */
  readonly tokens: TokenStore;
  /** The licence view the lifecycle follows (GET /v1/status on the main port reads it). */
  readonly licence: LicenceSource;
  readonly mode: 'memory' | 'redis';
  /** This gateway's id in the registry (EARSHOT_GATEWAY_ID). */
  readonly gatewayId: string;
  /** Heartbeat + reap + usage flush now (the timer does it every heartbeatIntervalMs). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export interface SessionLifecycleDeps {
  logger?: Logger;
  clock?: Clock;
  /** Overrides where the licence comes from (tests; an all-in-one process sharing one monitor). */
  licence?: LicenceSource;
  /** Overrides where usage records go. */
  usage?: UsageSink;
}

export async function createSessionLifecycle(config: SessionsConfig, deps: SessionLifecycleDeps = {}): Promise<SessionLifecycleHandle> {
  const logger = deps.logger ?? createLogger('sessions', { gateway: config.gatewayId });
  const clock = deps.clock ?? systemClock;
  const common = {
    gatewayId: config.gatewayId,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    heartbeatTtlMs: config.heartbeatTtlMs,
    apiKeys: config.apiKeys,
    maxSessionSeconds: config.maxSessionSeconds,
    logger,
    clock,
  };

  if (!config.redisUrl) {
    let licence = deps.licence;
    let monitor: LicenceMonitor | undefined;
    let lifecycleRef: RegistryLifecycle | undefined;
    if (!licence) {
      // Check-ins report how busy this (single-process) deployment is.
      const activeSessions = async () => (await lifecycleRef?.activeSessions())?.total ?? 0;
      monitor = new LicenceMonitor({ ...licenceMonitorOptions(config), activeSessions, clock, logger });
      await monitor.start();
      licence = monitor;
    }
    const tokens = new MemoryTokenStore(clock);
    const lifecycle = new RegistryLifecycle({
      ...common,
      registry: new MemorySessionRegistry(),
      tokens,
      licence,
      usage: deps.usage ?? createLogUsageSink(logger),
      onClose: async () => monitor?.stop(),
    });
    lifecycleRef = lifecycle;
    return decorate(lifecycle, tokens, licence, 'memory', config.gatewayId);
  }

  const redis = connectRegistryRedis(config.redisUrl);
  let licence = deps.licence;
  let stopMirror: (() => void) | undefined;
  if (!licence) {
    // Gateways verify the published licence JWT themselves, with their own LICENSE_PUBLIC_KEYS.
    const mirror = mirrorLicence({
      redis,
      prefix: config.redisPrefix,
      pollMs: config.licence.mirrorPollMs,
      logger,
      clock,
      evaluationMaxSessions: config.licence.evaluationMaxSessions,
      publicKeys: config.licence.publicKeys,
      issuer: config.licence.issuer,
      audience: config.licence.audience,
      trustWindowMs: config.licence.trustWindowMs,
    });
    await mirror.refresh();
    stopMirror = mirror.stop;
    licence = mirror;
  }
  let bull: ReturnType<typeof connectBullRedis> | undefined;
  let usage = deps.usage;
  if (!usage) {
    bull = connectBullRedis(config.redisUrl);
    usage = createUsageQueue({ connection: bull, redisPrefix: config.redisPrefix, queueName: config.usage.queueName });
  }
  const tokens = new RedisTokenStore(redis, config.redisPrefix);
  const lifecycle = new RegistryLifecycle({
    ...common,
    registry: new RedisSessionRegistry(redis, config.redisPrefix, false),
    tokens,
    licence,
    usage,
    onClose: async () => {
      stopMirror?.();
      await bull?.quit().catch(() => undefined);
      await redis.quit().catch(() => undefined);
    },
  });
  return decorate(lifecycle, tokens, licence, 'redis', config.gatewayId);
}

export function licenceMonitorOptions(config: SessionsConfig) {
  return {
    licenseFilePath: config.licence.filePath,
    publicKeys: config.licence.publicKeys,
    serverUrl: config.licence.serverUrl,
    issuer: config.licence.issuer,
    audience: config.licence.audience,
    checkinIntervalMs: config.licence.checkinIntervalMs,
    trustWindowMs: config.licence.trustWindowMs,
    evaluationMaxSessions: config.licence.evaluationMaxSessions,
  };
}

function decorate(lifecycle: RegistryLifecycle, tokens: TokenStore, licence: LicenceSource, mode: 'memory' | 'redis', gatewayId: string): SessionLifecycleHandle {
  return Object.assign(lifecycle, { tokens, licence, mode, gatewayId }) as RegistryLifecycle & SessionLifecycleHandle;
}
