import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { testTerms } from '../license/test-support.ts';
import { manualClock } from '../license/clock.ts';
import { staticLicence } from '../license/source.ts';
import { createLogger } from '../logger.ts';
import type { UsageRecord } from '../usage/record.ts';
import { readSessionsConfig } from './config.ts';
import { createSessionLifecycle } from './index.ts';
import { registerSessionMetrics } from './metrics.ts';

const logger = createLogger('memory-sessions-test', {});
logger.level = 'silent';

describe('embedded (in-memory) lifecycle', () => {
  it('limits, ends exactly once, reaps sessions that stop heartbeating, and skips flat billing', async () => {
    const clock = manualClock();
    const records: UsageRecord[] = [];
    const licence = staticLicence({ ...testTerms(2), id: 'lic-m', licensee: 'Acme', billing: 'usage' });
    const lifecycle = await createSessionLifecycle(
      { ...readSessionsConfig({}), redisUrl: undefined, heartbeatIntervalMs: 60_000, heartbeatTtlMs: 1000 },
      { logger, clock, licence, usage: { submit: async (r) => void records.push(...r), close: async () => {} } },
    );
    expect(lifecycle.mode).toBe('memory');
    const start = (id: string) => lifecycle.admit({ sessionId: id, speechModel: 'm', billingSubject: 'Acme', startedAt: new Date(clock.now()) });
    expect(await start('s1')).toEqual({ ok: true });
    expect(await start('s2')).toEqual({ ok: true });
    expect(await start('s3')).toMatchObject({ ok: false, code: 3009 });
    expect(await lifecycle.activeSessions()).toMatchObject({ gateway: 2, total: 2 });
    const metrics = new Registry();
    registerSessionMetrics(metrics, lifecycle);
    const text = await metrics.metrics();
    expect(text).toContain('earshot_registry_sessions_by_gateway{gateway="' + lifecycle.gatewayId + '"} 2');
    expect(text).toContain('earshot_licence_state{state="Connected"} 1');
    expect(text).toContain('earshot_licence_max_concurrent_sessions 2');

    clock.advance(2000);
    lifecycle.progress('s1', 1.5);
    await lifecycle.end({ sessionId: 's1', audioSeconds: 2, endedAt: new Date(clock.now()), reason: 'terminated' });
    await lifecycle.end({ sessionId: 's1', audioSeconds: 2, endedAt: new Date(clock.now()), reason: 'terminated' });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ session_id: 's1', audio_seconds: 2, session_seconds: 2, licence_id: 'lic-m' });

    // Heartbeats keep s2 alive; without them it would be reaped once the TTL passes.
    lifecycle.progress('s2', 4);
    await lifecycle.tick();
    clock.advance(900);
    await lifecycle.tick();
    expect(records).toHaveLength(1);

    // A client gone while admission is still running: end() waits for it, nothing leaks.
    const admitting = start('s5');
    await lifecycle.end({ sessionId: 's5', audioSeconds: 0.5, endedAt: new Date(clock.now()), reason: 'client_gone' });
    expect(await admitting).toEqual({ ok: true });
    expect(records.map((r) => r.session_id)).toEqual(['s1', 's5']);
    expect(await lifecycle.activeSessions()).toMatchObject({ gateway: 1, total: 1 });

    licence.set({ terms: { ...licence.current().terms!, billing: 'flat' } });
    expect(await start('s4')).toEqual({ ok: true });
    await lifecycle.end({ sessionId: 's4', audioSeconds: 9, endedAt: new Date(clock.now()), reason: 'terminated' });
    expect(records).toHaveLength(2); // flat billing: nothing reported
    await lifecycle.close();
  });
});
