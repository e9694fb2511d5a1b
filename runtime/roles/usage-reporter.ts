import { createLogger, type Logger } from '../logger.ts';
import type { SessionsConfig } from '../sessions/config.ts';
import { connectBullRedis } from '../sessions/redis-connection.ts';
import { ReporterFatal, UsageReporter } from '../usage/reporter.ts';
import type { RoleHandle } from './role.ts';

/**
 * The usage reporter role: drains the usage queue in Redis to the tracker.
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
  const reporter = new UsageReporter({ ...config.usage, connection, redisPrefix: config.redisPrefix, trackerUrl, apiKey, logger });
  try {
    await reporter.start((err) => onFatal(err));
  } catch (err) {
    await connection.quit().catch(() => undefined);
    if (err instanceof ReporterFatal) onFatal(err);
    throw err;
  }
  return {
    name: 'usage-reporter',
    async stop() {
      await reporter.stop();
      await connection.quit().catch(() => undefined);
    },
  };
}
