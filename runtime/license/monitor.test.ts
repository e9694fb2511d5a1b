import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLicenceRoutes } from '../../functions/license/index.ts';
import { createReferenceLicenceServer } from '../../functions/reference/licence-server.ts';
import { listen } from '../roles/listeners.ts';
import { generateLicenceKeyPair, signLicence } from '../../scripts/license/licence-signer.ts';
import { createLogger } from '../logger.ts';
import { startLicenceProxy } from '../roles/license-proxy.ts';
import { readSessionsConfig } from '../sessions/config.ts';
import { createSessionLifecycle } from '../sessions/index.ts';
import { cleanupPrefix, TEST_REDIS_URL, testPrefix } from '../sessions/test-support.ts';
import { manualClock } from './clock.ts';
import { LicenceMonitor } from './monitor.ts';

const logger = createLogger('licence-monitor-test', {});
logger.level = 'silent';
const vendor = generateLicenceKeyPair('EdDSA');
const dir = mkdtempSync(join(tmpdir(), 'earshot-mon-'));
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of prefixes) await cleanupPrefix(p);
});

async function licenceFile(maxSessions = 2): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const path = join(dir, `lic-${Math.random()}.jwt`);
  writeFileSync(path, await signLicence(vendor.privatePem, { id: 'lic-mon', licensee: 'Acme', billing: 'usage', maxConcurrentSessions: maxSessions, allowedModels: ['universal-streaming-english'], notBefore: now - 60, expiresAt: now + 86400 }));
  return path;
}

describe('licence state machine', () => {
  it('walks Ready → Connected → TrustBased → Failed as the licence server goes away; admit then refuses', async () => {
    const server = createReferenceLicenceServer();
    let upstream = await listen(server.app, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${upstream.port}`;
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    const clock = manualClock(t0);
    const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
    const monitor = new LicenceMonitor({ licenseFilePath: await licenceFile(), publicKeys: vendor.publicPem, serverUrl: url, checkinIntervalMs: 60_000, trustWindowMs: 3600_000, checkinTimeoutMs: 500, clock, logger });
    const status = createLicenceRoutes(monitor);
    const lifecycle = await createSessionLifecycle({ ...readSessionsConfig({}), redisUrl: undefined }, { licence: monitor, logger, clock });
    const failures: unknown[] = [];
    lifecycle.onLicenceFailed((f) => failures.push(f));

    expect((await monitor.load()).state).toBe('Ready');
    expect(await (await status.request('/v1/status')).json()).toEqual({ state: 'Ready', last_successful_checkin: null, trust_expiration: null });

    expect((await monitor.checkinNow()).state).toBe('Connected');
    expect(await (await status.request('/v1/status')).json()).toEqual({
      state: 'Connected',
      last_successful_checkin: iso(t0),
      trust_expiration: iso(t0 + 3600_000),
    });
    const start = { speechModel: 'universal-streaming-english', billingSubject: 'Acme', startedAt: new Date(clock.now()) };
    expect(await lifecycle.admit({ ...start, sessionId: 's1' })).toEqual({ ok: true });
    expect(await lifecycle.admit({ ...start, sessionId: 's2', speechModel: 'universal-3-5-pro' })).toMatchObject({ ok: false, code: 1008 });

    await upstream.close();
    clock.advance(30 * 60_000);
    expect((await monitor.checkinNow()).state).toBe('TrustBased');
    expect(await (await status.request('/v1/status')).json()).toMatchObject({ state: 'TrustBased', last_successful_checkin: iso(t0), trust_expiration: iso(t0 + 3600_000) });
    expect(await lifecycle.admit({ ...start, sessionId: 's3' })).toEqual({ ok: true }); // still serving inside the window
    expect(failures).toHaveLength(0);

    clock.advance(31 * 60_000);
    expect((await monitor.checkinNow()).state).toBe('Failed');
    expect(failures).toEqual([{ code: 1008, reason: 'Unauthorized Connection: Licence failed' }]);
    expect(await lifecycle.admit({ ...start, sessionId: 's4' })).toEqual({ ok: false, code: 1008, reason: 'Unauthorized Connection: Licence failed' });
    expect(await lifecycle.authorize({ authorization: 'self-hosted' })).toMatchObject({ ok: false, code: 1008 });
    expect((await status.request('/health')).status).toBe(200);

    // The server comes back: a grace-expiry failure recovers on the next good check-in.
    upstream = await listen(server.app, upstream.port, '127.0.0.1');
    expect((await monitor.checkinNow()).state).toBe('Connected');
    server.revoke('lic-mon');
    expect((await monitor.checkinNow()).state).toBe('Failed');
    await upstream.close();
    await lifecycle.close();
  });

  it('the licence proxy publishes its state to Redis and gateways follow it (limits included)', async () => {
    const prefix = testPrefix('licproxy');
    prefixes.push(prefix);
    const server = createReferenceLicenceServer();
    const upstream = await listen(server.app, 0, '127.0.0.1');
    const base = readSessionsConfig({});
    const config = {
      ...base,
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      licence: { ...base.licence, filePath: await licenceFile(1), publicKeys: vendor.publicPem, serverUrl: `http://127.0.0.1:${upstream.port}`, checkinIntervalMs: 200, trustWindowMs: 1500, mirrorPollMs: 100 },
    };
    const proxy = await startLicenceProxy(config, { port: 0, hostname: '127.0.0.1', logger });
    const gateway = await createSessionLifecycle(config, { logger });
    const failed = new Promise((resolve) => gateway.onLicenceFailed(resolve));
    const res = await fetch(`http://127.0.0.1:${proxy.port}/v1/status`);
    expect((await res.json()).state).toBe('Connected');
    const start = { speechModel: 'universal-streaming-english', billingSubject: 'Acme', startedAt: new Date() };
    expect(await gateway.admit({ ...start, sessionId: 'a' })).toEqual({ ok: true });
    expect(await gateway.admit({ ...start, sessionId: 'b' })).toMatchObject({ ok: false, code: 3009 });
    await new Promise((r) => setTimeout(r, 300)); // one more check-in, now with a live session
    expect(server.checkins.at(-1)).toMatchObject({ licenceId: 'lic-mon', activeSessions: 1 });

    await upstream.close(); // check-ins fail; the 1.5 s trust window runs out
    expect(await failed).toEqual({ code: 1008, reason: 'Unauthorized Connection: Licence failed' });
    expect(await gateway.admit({ ...start, sessionId: 'c' })).toMatchObject({ ok: false, code: 1008 });
    await gateway.end({ sessionId: 'a', audioSeconds: 1, endedAt: new Date(), reason: 'licence_failed' });
    await gateway.close();
    await proxy.stop();
  });
});
