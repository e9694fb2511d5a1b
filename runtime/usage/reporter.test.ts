import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createReferenceUsageTracker } from '../../functions/reference/usage-tracker.ts';
import { listen } from '../roles/listeners.ts';
import { testTerms } from '../license/test-support.ts';
import { staticLicence } from '../license/source.ts';
import { createLogger } from '../logger.ts';
import { bullPrefix } from './queue.ts';
import { readSessionsConfig } from '../sessions/config.ts';
import { spawnTs, type Child } from '../sessions/fixtures/child.ts';
import { createSessionLifecycle } from '../sessions/index.ts';
import { cleanupPrefix, TEST_REDIS_URL, testPrefix } from '../sessions/test-support.ts';

const prefix = testPrefix('usage');
const logger = createLogger('usage-test', {});
logger.level = 'silent';
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) c.proc.kill('SIGKILL');
  await cleanupPrefix(prefix);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('usage reporting: nothing lost', () => {
  it('500 sessions, tracker outage, two SIGKILLed reporters, then retry budget exhaustion and recovery', async () => {
    const started = Date.now();
    const tracker = createReferenceUsageTracker({ apiKeys: ['usage-key'] });
    let server = await listen(tracker.app, 0, '127.0.0.1');
    const port = server.port;
    const count = () => tracker.records().length;

    const reporterEnv = (budgetMs: number, extra: Record<string, string> = {}) => ({
      ...extra,
      REDIS_URL: TEST_REDIS_URL,
      EARSHOT_REDIS_PREFIX: prefix,
      USAGE_TRACKER_URL: `http://127.0.0.1:${port}`,
      USAGE_TRACKING_API_KEY: 'usage-key',
      USAGE_BATCH_INTERVAL_MS: '200',
      USAGE_BATCH_MAX: '40',
      USAGE_RETRY_BUDGET_MS: String(budgetMs),
      USAGE_BACKOFF_INITIAL_MS: '100',
      USAGE_BACKOFF_MAX_MS: '400',
      USAGE_LOCK_MS: '1500',
      SESSION_HEARTBEAT_INTERVAL_MS: '200',
    });
    const startReporter = async (budgetMs: number, extra: Record<string, string> = {}): Promise<Child> => {
      const child = spawnTs('runtime/usage/reporter-main.ts', reporterEnv(budgetMs, extra));
      children.push(child);
      await until('reporter registration', () => child.output().includes('registered with the tracker'), 20_000);
      return child;
    };

    const gateway = await createSessionLifecycle(
      { ...readSessionsConfig({}), redisUrl: TEST_REDIS_URL, redisPrefix: prefix, gatewayId: 'gw-usage' },
      { logger, licence: staticLicence({ ...testTerms(10_000), id: 'lic-usage', licensee: 'Acme', billing: 'usage' }) },
    );
    const queue = new Queue('earshot-usage', { connection: { host: '127.0.0.1', port: 6379 }, prefix: bullPrefix(prefix) });
    let streamed = 0;
    const endSessions = async (from: number, to: number) => {
      for (let i = from; i < to; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, to - i) }, async (_, k) => {
            const id = `sess-${i + k}`;
            const audio = ((i + k) % 17) + 0.25;
            streamed += audio;
            expect(await gateway.admit({ sessionId: id, speechModel: 'universal-streaming-english', billingSubject: 'Acme', startedAt: new Date() })).toEqual({ ok: true });
            gateway.progress(id, audio / 2);
            await gateway.end({ sessionId: id, audioSeconds: audio, endedAt: new Date(), reason: (i + k) % 10 === 0 ? 'error:3005' : 'terminated' });
          }),
        );
      }
    };

    try {
      const r1 = await startReporter(30_000);
      await endSessions(0, 150);
      await until('first deliveries', () => count() >= 40, 10_000);

      await server.close(); // tracker down
      await endSessions(150, 300);
      await sleep(800); // r1 is now retrying a batch it holds
      // The batch r1 holds is locked in Redis: SIGKILL must not lose it.
      expect((await queue.getJobCounts('active')).active).toBeGreaterThan(0);
      r1.proc.kill('SIGKILL');
      await r1.exited;

      server = await listen(tracker.app, port, '127.0.0.1'); // tracker back
      const r2 = await startReporter(30_000);
      await endSessions(300, 400);
      await until('r2 delivering', () => count() >= 200, 15_000);
      r2.proc.kill('SIGKILL'); // possibly mid-batch
      await r2.exited;

      const r3 = await startReporter(2_000);
      await endSessions(400, 500);
      await until('all 500 records at the tracker', () => count() === 500, 30_000);
      expect(count()).toBe(500);
      const records = tracker.records();
      expect(new Set(records.map((r) => r.session_id)).size).toBe(500);
      const billed = records.reduce((sum, r) => sum + r.audio_seconds, 0);
      expect(billed).toBeCloseTo(streamed, 6);
      expect(records.find((r) => r.session_id === 'sess-10')).toMatchObject({ licence_id: 'lic-usage', model: 'universal-streaming-english', reason: 'error:3005', audio_seconds: 10.25 });
      const phaseA = Date.now() - started;

      // Tracker down past r3's 2 s retry budget: r3 exits non-zero with a clear log line.
      await server.close();
      await endSessions(500, 520);
      const code = await Promise.race([r3.exited, sleep(15_000).then(() => 'still running')]);
      expect(code).toBe(1);
      expect(r3.output()).toMatch(/retry budget exhausted after \d+s of failed deliveries; \d+ records stay queued in Redis/);

      // A replacement delivers the backlog that stayed in Redis.
      server = await listen(tracker.app, port, '127.0.0.1');
      const r4 = await startReporter(30_000, { USAGE_BACKLOG_WARN: '5' });
      await until('backlog delivered', () => count() === 520, 20_000);
      expect(r4.output()).toMatch(/usage backlog of \d+ records is above 5/);
      expect(tracker.records().reduce((sum, r) => sum + r.audio_seconds, 0)).toBeCloseTo(streamed, 6);

      // The last gateway vanishes mid-session: the reporter itself reaps and bills it.
      const orphanGateway = await createSessionLifecycle(
        { ...readSessionsConfig({}), redisUrl: TEST_REDIS_URL, redisPrefix: prefix, gatewayId: 'gw-orphan', heartbeatTtlMs: 500 },
        { logger, licence: staticLicence({ ...testTerms(10), id: 'lic-usage', licensee: 'Acme', billing: 'usage' }) },
      );
      await orphanGateway.admit({ sessionId: 'orphan', speechModel: 'universal-streaming-english', billingSubject: 'Acme', startedAt: new Date() });
      orphanGateway.progress('orphan', 3);
      await orphanGateway.tick();
      await orphanGateway.close(); // no end(), no more heartbeats
      await until('orphan reaped by the reporter', () => count() === 521, 10_000);
      expect(tracker.records().find((r) => r.session_id === 'orphan')).toMatchObject({ audio_seconds: 3, reason: 'gateway_lost' });
      r4.proc.kill('SIGTERM');
      expect(await r4.exited).toBe(0);
      process.stdout.write(
        `[usage] 500 records in ${phaseA} ms, 520 in ${Date.now() - started} ms; batches ${tracker.stats.batches}, duplicate deliveries absorbed ${tracker.stats.duplicates}\n`,
      );
    } finally {
      await gateway.close();
      await queue.close();
      await server.close();
    }
  });

  it('a reporter that cannot register exits non-zero at start-up', async () => {
    const child = spawnTs('runtime/usage/reporter-main.ts', {
      REDIS_URL: TEST_REDIS_URL,
      EARSHOT_REDIS_PREFIX: prefix,
      USAGE_TRACKER_URL: 'http://127.0.0.1:9', // discard port: nothing listens
      USAGE_TRACKING_API_KEY: 'usage-key',
      USAGE_BACKOFF_INITIAL_MS: '50',
    });
    children.push(child);
    expect(await child.exited).toBe(1);
    expect(child.output()).toMatch(/cannot register with the usage tracker/);
  });

  it('flat billing reports nothing', async () => {
    const flatPrefix = testPrefix('flat');
    const gateway = await createSessionLifecycle(
      { ...readSessionsConfig({}), redisUrl: TEST_REDIS_URL, redisPrefix: flatPrefix },
      { logger, licence: staticLicence({ ...testTerms(10), id: 'lic-flat', licensee: 'Acme', billing: 'flat' }) },
    );
    try {
      expect(await gateway.admit({ sessionId: 'f1', speechModel: 'x', billingSubject: 'Acme', startedAt: new Date() })).toEqual({ ok: true });
      await gateway.end({ sessionId: 'f1', audioSeconds: 5, endedAt: new Date(), reason: 'terminated' });
      const { Redis } = await import('ioredis');
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${flatPrefix}*`);
      await redis.quit();
      expect(keys.filter((k) => k.includes('bull') && k.endsWith(':id'))).toEqual([]);
      expect(keys.filter((k) => k.includes('usage:outbox'))).toEqual([]);
    } finally {
      await gateway.close();
      await cleanupPrefix(flatPrefix);
    }
  });
});
