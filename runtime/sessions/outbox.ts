import type { Logger } from '../logger.ts';
import type { UsageSink } from '../usage/sink.ts';
import { toUsageRecord, type SessionRegistry } from './registry.ts';

const PAGE = 500;

/**
 * Ends sessions whose gateway stopped heartbeating, then moves every parked usage record from
 * the outbox to the sink. Records are acked only after the sink accepted them, so a failure
 * leaves them for the next round (of this process or any other). Gateways and the usage
 * reporter both run it: sessions get billed even when every gateway is gone.
 */
export async function reapAndFlush(registry: SessionRegistry, usage: UsageSink, now: number, logger: Logger): Promise<void> {
  const reaped = await registry.reap(now, PAGE);
  for (const s of reaped) logger.warn({ sessionId: s.sessionId, gatewayId: s.gatewayId, audioSeconds: s.audioSeconds }, 'reaped session of a vanished gateway');
  await flushOutbox(registry, usage, logger);
}

export async function flushOutbox(registry: SessionRegistry, usage: UsageSink, logger: Logger): Promise<void> {
  for (;;) {
    const pending = await registry.pending(PAGE);
    if (pending.length === 0) return;
    // Flat billing: the record is dropped here, never reported.
    const billable = pending.filter((s) => s.billing === 'usage').map(toUsageRecord);
    try {
      await usage.submit(billable);
    } catch (err) {
      logger.warn({ err: (err as Error).message, records: billable.length }, 'usage enqueue failed; kept in the outbox for the next round');
      return;
    }
    await registry.ack(pending.map((s) => s.sessionId));
    if (pending.length < PAGE) return;
  }
}
