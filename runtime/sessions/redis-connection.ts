import { Redis } from 'ioredis';

/**
 * Connections for the business layer. Registry commands fail fast (a refused session beats a
 * hung handshake); BullMQ needs maxRetriesPerRequest null for its blocking commands.
 */
export function connectRegistryRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}

export function connectBullRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}
