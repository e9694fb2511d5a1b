import type { Redis } from 'ioredis';
import { createLicenceRoutes } from '../../functions/license/index.ts';
import type { Clock } from '../license/clock.ts';
import { LicenceMonitor } from '../license/monitor.ts';
import { publishLicence } from '../license/redis-mirror.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { SessionsConfig } from '../sessions/config.ts';
import { licenceMonitorOptions } from '../sessions/index.ts';
import { connectRegistryRedis } from '../sessions/redis-connection.ts';
import { registryKeys } from '../sessions/redis-registry.ts';
import { listen } from './listeners.ts';
import type { RoleHandle } from './role.ts';

export interface LicenceProxyHandle extends RoleHandle {
  readonly monitor: LicenceMonitor;
  /** Port GET /v1/status and GET /health are served on (null when port: null). */
  readonly port: number | null;
}

/**
 * The licence proxy role: owns the licence (verify, check in, state machine), serves
 * GET /v1/status + GET /health, and publishes its view to Redis for the gateways to follow.
 * port: LICENSE_PROXY_PORT (default 8082); null = no HTTP listener (the all-in-one process
 * mounts createLicenceRoutes(handle.monitor) on its main port instead).
 */
export async function startLicenceProxy(
  config: SessionsConfig,
  options: { port?: number | null; hostname?: string; logger?: Logger; clock?: Clock } = {},
): Promise<LicenceProxyHandle> {
  const logger = options.logger ?? createLogger('license-proxy');
  const redis: Redis | undefined = config.redisUrl ? connectRegistryRedis(config.redisUrl) : undefined;
  // Check-ins report the cluster's live sessions (heartbeat deadline still ahead).
  const activeSessions = redis ? () => redis.zcount(registryKeys(config.redisPrefix).live, `(${Date.now()}`, '+inf') : undefined;
  const monitor = new LicenceMonitor({ ...licenceMonitorOptions(config), activeSessions, clock: options.clock, logger });
  const publish = async () => {
    if (!redis) return;
    await publishLicence(redis, config.redisPrefix, monitor.current(), monitor.licenceToken()).catch((err: Error) => logger.warn({ err: err.message }, 'could not publish the licence state to Redis'));
  };
  monitor.onChange(() => void publish());

  await monitor.load();
  await monitor.checkinNow();
  await publish();
  const timer = setInterval(() => void monitor.checkinNow().then(publish), config.licence.checkinIntervalMs);
  timer.unref();

  const port = options.port === undefined ? Number(process.env.LICENSE_PROXY_PORT ?? 8082) : options.port;
  const server = port === null ? undefined : await listen(createLicenceRoutes(monitor), port, options.hostname);
  logger.info({ port: server?.port ?? null, state: monitor.current().state }, 'licence proxy started');
  return {
    name: 'license-proxy',
    monitor,
    port: server?.port ?? null,
    async stop() {
      clearInterval(timer);
      await server?.close();
      await redis?.quit().catch(() => undefined);
    },
  };
}
