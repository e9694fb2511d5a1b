import type { UsageRecord } from './record.ts';

/** Where ended sessions' usage records go: the BullMQ queue (scale-out) or a log (embedded). */
export interface UsageSink {
  /** Resolves once the records are durably accepted; rejects if they were not (caller retries). */
  submit(records: UsageRecord[]): Promise<void>;
  close(): Promise<void>;
}
