import type { Logger } from '../logger.ts';
import type { UsageRecord } from './record.ts';
import type { UsageSink } from './sink.ts';

/** Embedded default: one log line per usage record (grep-able, shipped by the log pipeline). */
export function createLogUsageSink(logger: Logger): UsageSink {
  return {
    async submit(records: UsageRecord[]) {
      for (const record of records) logger.info({ usage: record }, 'usage record');
    },
    async close() {},
  };
}
