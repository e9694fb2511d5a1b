import { createReferenceLicenceServer, createReferenceUsageTracker, type ReferenceLicenceServer, type ReferenceUsageTracker } from '../../functions/reference/index.ts';
import { createLogger, type Logger } from '../logger.ts';
import { listen } from './listeners.ts';
import type { RoleHandle } from './role.ts';

export interface ReferenceUpstreamHandle extends RoleHandle {
  readonly licenceServer: ReferenceLicenceServer;
  readonly tracker: ReferenceUsageTracker;
  readonly licencePort: number;
  readonly trackerPort: number;
}

/**
 * The reference upstreams (licence server + usage tracker) for deployments without the vendor's
 * and for tests. Ports: REFERENCE_LICENCE_PORT (8090), REFERENCE_TRACKER_PORT (8091);
 * REFERENCE_TRACKER_API_KEYS restricts the tracker's accepted keys. State is in memory.
 */
export async function startReferenceUpstream(
  options: { licencePort?: number; trackerPort?: number; trackerApiKeys?: string[]; hostname?: string; logger?: Logger } = {},
): Promise<ReferenceUpstreamHandle> {
  const logger = options.logger ?? createLogger('reference-upstream');
  const env = process.env;
  const licenceServer = createReferenceLicenceServer();
  const tracker = createReferenceUsageTracker({
    apiKeys: options.trackerApiKeys ?? (env.REFERENCE_TRACKER_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
  });
  const licence = await listen(licenceServer.app, options.licencePort ?? Number(env.REFERENCE_LICENCE_PORT ?? 8090), options.hostname);
  const usage = await listen(tracker.app, options.trackerPort ?? Number(env.REFERENCE_TRACKER_PORT ?? 8091), options.hostname);
  logger.info({ licencePort: licence.port, trackerPort: usage.port }, 'reference licence server and usage tracker listening');
  return {
    name: 'reference-upstream',
    licenceServer,
    tracker,
    licencePort: licence.port,
    trackerPort: usage.port,
    async stop() {
      await Promise.all([licence.close(), usage.close()]);
    },
  };
}
