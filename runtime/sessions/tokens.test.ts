/**
 * The temporary-token stores: issuing costs the same however many tokens are live (the probe saw
 * every issue scan all of them: 60-80k tokens cost 250-725 ms of health latency), live tokens are
 * capped per API key and in all, and used or expired tokens give their places back.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenRoute } from '../../functions/token/index.ts';
import { manualClock } from '../license/clock.ts';
import { cleanupPrefix, TEST_REDIS_URL, testPrefix } from './test-support.ts';
import { MemoryTokenStore, RedisTokenStore, TokenLimitError } from './tokens.ts';

const grant = { maxSessionSeconds: 60 };
const prefix = testPrefix('token-store');
const redis = new Redis(TEST_REDIS_URL);
afterAll(async () => {
  await redis.quit();
  await cleanupPrefix(prefix);
});

async function msPerIssue(store: MemoryTokenStore, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await store.issue(600, grant, `timing-${i % 50}`);
  return (performance.now() - t0) / n;
}

describe('temporary-token store', () => {
  it('in memory: issuing costs the same with 100,000 live tokens as with none', async () => {
    const clock = manualClock(1_000_000);
    const store = new MemoryTokenStore(clock, { perKey: 1_000_000, total: 1_000_000 });
    const empty = await msPerIssue(store, 2000);
    for (let i = 0; i < 100_000; i++) await store.issue(600, grant, `bulk-${i % 100}`);
    const full = await msPerIssue(store, 2000);
    process.stdout.write(`[tokens] issue: ${(empty * 1000).toFixed(1)} µs with none live, ${(full * 1000).toFixed(1)} µs with ${store.size} live\n`);
    // A scan of 100k entries per issue costs about a millisecond; the index costs microseconds.
    expect(full).toBeLessThan(Math.max(4 * empty, 0.05));
    // Expiry removes them without anyone scanning: all gone once their 600 s have passed.
    clock.advance(601_000);
    await store.issue(60, grant, 'after');
    expect(store.size).toBe(1);
  });

  it('in memory: live tokens are capped per key and in all; use and expiry give places back', async () => {
    const clock = manualClock(0);
    const store = new MemoryTokenStore(clock, { perKey: 3, total: 5 });
    const a = [await store.issue(10, grant, 'a'), await store.issue(20, grant, 'a'), await store.issue(30, grant, 'a')];
    await expect(store.issue(10, grant, 'a')).rejects.toEqual(new TokenLimitError('key', 3));
    await store.issue(10, grant, 'b');
    await store.issue(10, grant, 'b');
    await expect(store.issue(10, grant, 'c')).rejects.toMatchObject({ scope: 'total' });
    expect(await store.consume(a[0]!)).toEqual(grant);
    expect(await store.consume(a[0]!)).toBeNull();
    await store.issue(10, grant, 'a'); // the used one's place
    clock.advance(10_000); // a's 10 s tokens and both of b's expire
    await store.issue(10, grant, 'c');
    await store.issue(10, grant, 'a');
    expect(await store.consume(a[1]!)).toEqual(grant);
  });

  it('in Redis: the same caps cluster-wide, with sorted-set expiry indexes', async () => {
    const store = new RedisTokenStore(redis, prefix, { perKey: 3, total: 4 });
    const tokens = [await store.issue(60, grant, 'k1'), await store.issue(60, grant, 'k1'), await store.issue(1, grant, 'k1')];
    await expect(store.issue(60, grant, 'k1')).rejects.toMatchObject({ scope: 'key' });
    await store.issue(60, grant, 'k2');
    await expect(store.issue(60, grant, 'k3')).rejects.toMatchObject({ scope: 'total' });
    // A second gateway (its own connection) sees the same counts.
    const other = new Redis(TEST_REDIS_URL);
    try {
      await expect(new RedisTokenStore(other, prefix, { perKey: 3, total: 4 }).issue(60, grant, 'k3')).rejects.toMatchObject({ scope: 'total' });
    } finally {
      await other.quit();
    }
    expect(await store.consume(tokens[0]!)).toEqual(grant);
    expect(await store.consume(tokens[0]!)).toBeNull();
    await store.issue(60, grant, 'k1'); // the used token's place
    await new Promise((r) => setTimeout(r, 1100)); // the 1 s token expires
    await store.issue(60, grant, 'k3');
    expect(await redis.zcard(`${prefix}token-index`)).toBe(4);
  });

  it('GET /v3/token: 429 past the per-key cap; without an allow-list only loopback clients may mint', async () => {
    const tokens = new MemoryTokenStore(manualClock(0), { perKey: 2, total: 100 });
    const remote = { incoming: { socket: { remoteAddress: '203.0.113.7', remotePort: 5555, remoteFamily: 'IPv4' } } };
    const local = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 5555, remoteFamily: 'IPv4' } } };
    const open = createTokenRoute({ tokens, apiKeys: [] });
    const get = (app: typeof open, env: object, key = 'anything') => app.request('/v3/token?expires_in_seconds=60', { headers: { authorization: key } }, env);
    const refused = await get(open, remote);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'Temporary tokens are issued to other hosts only with an API key allow-list (EARSHOT_API_KEYS)' });
    expect((await get(open, local)).status).toBe(200);
    expect((await get(open, local)).status).toBe(200);
    const capped = await get(open, local);
    expect(capped.status).toBe(429);
    expect((await capped.json()).error).toMatch(/^Too many live temporary tokens for this API key \(at most 2\)/);
    expect((await get(open, local, 'another key')).status).toBe(200);
    // With an allow-list, a listed key mints from anywhere.
    const listed = createTokenRoute({ tokens, apiKeys: ['k'] });
    expect((await get(listed, remote, 'k')).status).toBe(200);
  });
});
