import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { signLicence } from '../../scripts/license/licence-signer.ts';
import { publishLicence } from '../license/redis-mirror.ts';
import { testVendor } from '../license/test-support.ts';
import { bullPrefix } from '../usage/queue.ts';
import type { UsageRecord } from '../usage/record.ts';
import { spawnGateway } from './fixtures/child.ts';
import { cleanupPrefix, TEST_REDIS_URL, testPrefix } from './test-support.ts';

const prefix = testPrefix('cluster');
const HEARTBEAT_MS = 200;
const TTL_MS = 1000;
const LIMIT = 3;
const env = {
  REDIS_URL: TEST_REDIS_URL,
  EARSHOT_REDIS_PREFIX: prefix,
  SESSION_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
  SESSION_HEARTBEAT_TTL_MS: String(TTL_MS),
  LICENSE_MIRROR_POLL_MS: '200',
  // Gateways verify the published licence JWT with the vendor's public key themselves.
  LICENSE_PUBLIC_KEYS: testVendor().publicPem,
};
const redis = new Redis(TEST_REDIS_URL);
const queue = new Queue<UsageRecord>('earshot-usage', { connection: redis, prefix: bullPrefix(prefix) });
afterAll(async () => {
  await queue.close();
  await redis.quit();
  await cleanupPrefix(prefix);
});

type Result = { ok: boolean; code?: number; reason?: string };

describe('two gateway processes sharing Redis', () => {
  it('enforce the cluster-wide limit with 3009, and a SIGKILLed gateway is reaped and billed within the heartbeat window', async () => {
    // What the licence proxy would publish: a usage licence JWT for LIMIT concurrent sessions.
    const now = Math.floor(Date.now() / 1000);
    const jwt = await signLicence(testVendor().privatePem, { id: 'lic-cluster', licensee: 'Acme', billing: 'usage', maxConcurrentSessions: LIMIT, allowedModels: ['*'], notBefore: now - 60, expiresAt: now + 3600 });
    await publishLicence(redis, prefix, { state: 'Connected', lastSuccessfulCheckin: new Date(), trustExpiration: new Date(Date.now() + 3600_000), failure: null, terms: null }, jwt);
    const [a, b] = await Promise.all([spawnGateway({ ...env, EARSHOT_GATEWAY_ID: 'gw-a' }), spawnGateway({ ...env, EARSHOT_GATEWAY_ID: 'gw-b' })]);
    try {
      // Both gateways race for LIMIT slots: exactly LIMIT admissions win, the rest get 3009.
      const attempts = await Promise.all([
        ...['a1', 'a2', 'a3'].map((id) => a.call<Result>('admit', { id })),
        ...['b1', 'b2', 'b3'].map((id) => b.call<Result>('admit', { id })),
      ]);
      expect(attempts.filter((r) => r.ok)).toHaveLength(LIMIT);
      for (const refused of attempts.filter((r) => !r.ok)) expect(refused).toEqual({ ok: false, code: 3009, reason: 'Unauthorized Connection: Too many concurrent sessions' });
      const ids = ['a1', 'a2', 'a3', 'b1', 'b2', 'b3'];
      const admittedA = ids.slice(0, 3).filter((_, i) => attempts[i]!.ok);
      const admittedB = ids.slice(3).filter((_, i) => attempts[i + 3]!.ok);
      // Release everything but one session per gateway, so each side holds one live session.
      for (const id of admittedA.slice(1)) await a.call('end', { id, audio: 1 });
      for (const id of admittedB.slice(1)) await b.call('end', { id, audio: 1 });
      let aLive: string | undefined = admittedA[0];
      let bLive: string | undefined = admittedB[0];
      if (!aLive) aLive = (await a.call<Result>('admit', { id: 'a4' })).ok ? 'a4' : undefined;
      if (!bLive) bLive = (await b.call<Result>('admit', { id: 'b4' })).ok ? 'b4' : undefined;
      expect(aLive && bLive).toBeTruthy();
      expect(await a.call<Result>('admit', { id: 'a5' })).toEqual({ ok: true });
      expect(await b.call<Result>('admit', { id: 'b5' })).toMatchObject({ ok: false, code: 3009 });

      const counts = await b.call<{ gateway: number; total: number; byGateway: Record<string, number> }>('counts');
      expect(counts).toMatchObject({ gateway: 1, total: 3, byGateway: { 'gw-a': 2, 'gw-b': 1 } });

      // Gateway A streams, reports progress, heartbeats it ... and dies without a word.
      await a.call('progress', { id: aLive, audio: 12.5 });
      await a.call('progress', { id: 'a5', audio: 3.25 });
      await a.call('tick');
      const killedAt = Date.now();
      a.proc.kill('SIGKILL');
      await a.exited;

      // B's reaper bills A's sessions from their last heartbeat, within TTL + a heartbeat or two.
      let reaped: UsageRecord[] = [];
      while (Date.now() - killedAt < TTL_MS + 10 * HEARTBEAT_MS) {
        const jobs = await Promise.all([aLive!, 'a5'].map((id) => queue.getJob(id)));
        if (jobs.every(Boolean)) {
          reaped = jobs.map((j) => j!.data);
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const billedAfter = Date.now() - killedAt;
      expect(reaped.map((r) => [r.session_id, r.audio_seconds, r.reason, r.licence_id])).toEqual([
        [aLive, 12.5, 'gateway_lost', 'lic-cluster'],
        ['a5', 3.25, 'gateway_lost', 'lic-cluster'],
      ]);
      expect(billedAfter).toBeLessThan(TTL_MS + 3 * HEARTBEAT_MS + 500);
      // The reaped session ends at its last heartbeat, not when it was noticed.
      expect(Date.parse(reaped[0]!.ended_at)).toBeLessThanOrEqual(killedAt);

      // Their slots are free again; B ends its own session normally; nothing is billed twice.
      expect(await b.call<Result>('admit', { id: 'b6' })).toEqual({ ok: true });
      await b.call('end', { id: bLive, audio: 7 });
      await b.call('end', { id: bLive, audio: 7 });
      expect((await queue.getJob(bLive!))!.data).toMatchObject({ audio_seconds: 7, reason: 'terminated' });
      const outbox = await redis.hlen(`${prefix}usage:outbox`);
      expect(outbox).toBe(0);
      const all = await queue.getJobs(['wait', 'active', 'delayed', 'completed']);
      expect(new Set(all.map((j) => j.id)).size).toBe(all.length);
      process.stdout.write(`[cluster] reaped and billed ${billedAfter} ms after SIGKILL (ttl ${TTL_MS} ms, heartbeat ${HEARTBEAT_MS} ms)\n`);
    } finally {
      a.proc.kill('SIGKILL');
      b.proc.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
    }
  });
});
