import { createLogger, type Logger } from '../logger.ts';
import type { SessionsConfig } from '../sessions/config.ts';
import { reapAndFlush } from '../sessions/outbox.ts';
import { connectBullRedis, connectRegistryRedis } from '../sessions/redis-connection.ts';
import { RedisSessionRegistry } from '../sessions/redis-registry.ts';
import { createUsageQueue } from '../usage/queue.ts';
import { ReporterFatal, UsageReporter } from '../usage/reporter.ts';
import type { RoleHandle } from './role.ts';

/**
 * The usage reporter role: drains the usage queue in Redis to the tracker, and reaps sessions
 * of vanished gateways (every SESSION_HEARTBEAT_INTERVAL_MS) so they are billed even when no
 * gateway is left.
 * Needs REDIS_URL, USAGE_TRACKER_URL and USAGE_TRACKING_API_KEY; without them (embedded or
 * flat-billing deployments) it logs why and idles. When it cannot register or its retry budget
 * is exhausted it calls onFatal, which by default exits the process with status 1 so the
 * orchestrator replaces it; the backlog stays in Redis for the replacement.
 */
export async function startUsageReporter(
  config: SessionsConfig,
  options: { logger?: Logger; onFatal?: (err: Error) => void } = {},
): Promise<RoleHandle> {
  const logger = options.logger ?? createLogger('usage-reporter');
  const { trackerUrl, apiKey } = config.usage;
  if (!config.redisUrl || !trackerUrl || !apiKey) {
    const missing = [!config.redisUrl && 'REDIS_URL', !trackerUrl && 'USAGE_TRACKER_URL', !apiKey && 'USAGE_TRACKING_API_KEY'].filter(Boolean);
    logger.warn({ missing }, 'usage reporter idle: %s not set (fine for flat billing)', missing.join(', '));
    return { name: 'usage-reporter', stop: async () => {} };
  }
  const onFatal =
    options.onFatal ??
    ((err: Error) => {
      logger.fatal({ err: err.message }, err.message);
      // Let pino flush its line before the process goes.
      setTimeout(() => process.exit(1), 50);
    });
  const connection = connectBullRedis(config.redisUrl);
  // Also reap: if every gateway is gone, their sessions still get billed from here.
  const registry = new RedisSessionRegistry(connectRegistryRedis(config.redisUrl), config.redisPrefix);
  const queue = createUsageQueue({ connection, redisPrefix: config.redisPrefix, queueName: config.usage.queueName });
  const reaper = setInterval(
    () => void reapAndFlush(registry, queue, Date.now(), logger).catch((err: Error) => logger.warn({ err: err.message }, 'reaper round failed')),
    config.heartbeatIntervalMs,
  );
  reaper.unref();
  const release = async () => {
    clearInterval(reaper);
    await queue.close();
    await registry.close();
    await connection.quit().catch(() => undefined);
  };
  const reporter = new UsageReporter({ ...config.usage, connection, redisPrefix: config.redisPrefix, trackerUrl, apiKey, logger });
  try {
    await reporter.start((err) => onFatal(err));
  } catch (err) {
    await release();
    if (err instanceof ReporterFatal) onFatal(err);
    throw err;
  }
  return {
    name: 'usage-reporter',
    async stop() {
      await reporter.stop();
      await release();
    },
  };
}
