import { Queue, type ConnectionOptions } from 'bullmq';
import type { UsageRecord } from './record.ts';
import type { UsageSink } from './sink.ts';

/** BullMQ key prefix under the deployment's Redis prefix, so one Redis can host several stacks. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}

export interface UsageQueueOptions {
  connection: ConnectionOptions;
  redisPrefix: string;
  queueName: string;
}

/**
 * Producer side (gateways). jobId = session id, so enqueueing the same session twice (outbox
 * re-flush, two reapers) is a no-op while the job exists; the tracker dedupes after that.
 * Completed jobs are kept an hour to make that window long.
 */
export function createUsageQueue(options: UsageQueueOptions): UsageSink & { queue: Queue } {
  const queue = new Queue(options.queueName, { connection: options.connection, prefix: bullPrefix(options.redisPrefix) });
  return {
    queue,
    async submit(records: UsageRecord[]) {
      if (records.length === 0) return;
      await queue.addBulk(
        records.map((r) => ({
          name: 'usage',
          data: r,
          opts: { jobId: r.session_id, removeOnComplete: { age: 3600 }, removeOnFail: false },
        })),
      );
    },
    close: () => queue.close(),
  };
}
