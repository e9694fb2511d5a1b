import { Redis } from 'ioredis';
import { base64url } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { generateLicenceKeyPair, signLicence } from '../../scripts/license/licence-signer.ts';
import { EVALUATION_MAX_SESSIONS } from '../config/limits.ts';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../logger.ts';
import { readSessionsConfig } from '../sessions/config.ts';
import { createSessionLifecycle } from '../sessions/index.ts';
import { cleanupPrefix, TEST_REDIS_URL, testPrefix } from '../sessions/test-support.ts';
import { evaluationTerms } from './claims.ts';
import { licenceKey, publishLicence } from './redis-mirror.ts';
import { testVendor } from './test-support.ts';

const logger = createLogger('licence-mirror-test', {});
logger.level = 'silent';
const redis = new Redis(TEST_REDIS_URL);
const prefixes: string[] = [];
afterAll(async () => {
  await redis.quit();
  for (const p of prefixes) await cleanupPrefix(p);
});

const now = () => Math.floor(Date.now() / 1000);
const licence = (privatePem: string, maxConcurrentSessions: number) =>
  signLicence(privatePem, { id: 'lic-mirror', licensee: 'Acme', billing: 'flat', maxConcurrentSessions, allowedModels: ['*'], notBefore: now() - 60, expiresAt: now() + 3600 });
const connected = { state: 'Connected' as const, lastSuccessfulCheckin: new Date(), trustExpiration: new Date(Date.now() + 3600_000), failure: null, terms: null };

/** A gateway's lifecycle over Redis (what `--role gateway` builds) with this test's prefix; admits `attempts` sessions at once. */
async function admitted(prefix: string, attempts: number, env: Record<string, string> = {}): Promise<number> {
  const gateway = await createSessionLifecycle(readSessionsConfig({ REDIS_URL: TEST_REDIS_URL, EARSHOT_REDIS_PREFIX: prefix, LICENSE_PUBLIC_KEYS: testVendor().publicPem, ...env }), { logger });
  try {
    const start = { speechModel: 'universal-streaming-english', billingSubject: 'Acme', startedAt: new Date() };
    const results = await Promise.all(Array.from({ length: attempts }, (_, i) => gateway.admit({ ...start, sessionId: `${prefix}s${i}` })));
    for (const r of results) if (!r.ok) expect([1008, 3009]).toContain(r.code);
    return results.filter((r) => r.ok).length;
  } finally {
    await gateway.close();
  }
}

function freshPrefix(name: string): string {
  const prefix = testPrefix(name);
  prefixes.push(prefix);
  return prefix;
}

describe('gateways verify the licence in Redis themselves', () => {
  it('a forged licence view admits nothing beyond the evaluation cap', async () => {
    // The probe's forgery: the old JSON view with terms and a huge limit, no signed token.
    const jsonView = freshPrefix('forged-json');
    await redis.set(licenceKey(jsonView), JSON.stringify({ state: 'Connected', lastSuccessfulCheckin: new Date().toISOString(), trustExpiration: new Date(Date.now() + 86400_000).toISOString(), failure: null, terms: { id: 'x', licensee: 'Mallory', billing: 'flat', maxConcurrentSessions: 100000, allowedModels: ['*'], expiresAt: null, evaluation: false } }));
    expect(await admitted(jsonView, 10)).toBe(0);

    // A well-formed view that claims Connected with no licence: evaluation terms, the fixed cap.
    const noLicence = freshPrefix('forged-none');
    await publishLicence(redis, noLicence, connected, null);
    expect(await admitted(noLicence, 10)).toBe(EVALUATION_MAX_SESSIONS);

    // A licence for 100,000 sessions signed by a key that is not the vendor's: refused.
    const stranger = freshPrefix('forged-key');
    await publishLicence(redis, stranger, connected, await licence(generateLicenceKeyPair('EdDSA').privatePem, 100_000));
    expect(await admitted(stranger, 10)).toBe(0);

    // A genuine licence for 2 with its limit edited to 100,000 (signature no longer matches): refused.
    const tampered = freshPrefix('forged-tampered');
    const [h, p, s] = (await licence(testVendor().privatePem, 2)).split('.');
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
    payload.limits.max_concurrent_sessions = 100_000;
    await publishLicence(redis, tampered, connected, [h, base64url.encode(JSON.stringify(payload)), s].join('.'));
    expect(await admitted(tampered, 10)).toBe(0);

    // A genuine licence JWT for 6: exactly its limit, verified by the gateway with its own key.
    const genuine = freshPrefix('genuine');
    await publishLicence(redis, genuine, connected, await licence(testVendor().privatePem, 6));
    expect(await admitted(genuine, 10)).toBe(6);
    // ... but not by a gateway without the vendor's public key: it cannot verify, so it refuses.
    const noKeys = freshPrefix('genuine-nokeys');
    await publishLicence(redis, noKeys, connected, await licence(testVendor().privatePem, 6));
    expect(await admitted(noKeys, 10, { LICENSE_PUBLIC_KEYS: '' })).toBe(0);

    // A trust window stretched in Redis past this gateway's own LICENSE_TRUST_WINDOW_MS is cut back.
    const stretched = freshPrefix('stretched');
    await publishLicence(redis, stretched, { ...connected, lastSuccessfulCheckin: new Date(Date.now() - 2 * 86400_000), trustExpiration: new Date(Date.now() + 365 * 86400_000) }, await licence(testVendor().privatePem, 6));
    expect(await admitted(stretched, 10)).toBe(0);
  });

  it('an oversized EVALUATION_MAX_SESSIONS cannot lift the evaluation cap', async () => {
    expect(() => readSessionsConfig({ EVALUATION_MAX_SESSIONS: '100000' })).toThrow(/EVALUATION_MAX_SESSIONS must be a whole number from 0 to 4/);
    expect(() => loadConfig({ EVALUATION_MAX_SESSIONS: '5' })).toThrow(/EVALUATION_MAX_SESSIONS/);
    expect(readSessionsConfig({ EVALUATION_MAX_SESSIONS: '2' }).licence.evaluationMaxSessions).toBe(2);
    // Callers that build terms themselves get the cap too.
    expect(evaluationTerms(100_000).maxConcurrentSessions).toBe(EVALUATION_MAX_SESSIONS);

    // Nothing published in Redis: evaluation mode, 4 of 10 admitted, whatever the process was handed.
    const empty = freshPrefix('eval-empty');
    expect(await admitted(empty, 10)).toBe(EVALUATION_MAX_SESSIONS);
    const lowered = freshPrefix('eval-lowered');
    expect(await admitted(lowered, 10, { EVALUATION_MAX_SESSIONS: '1' })).toBe(1);
    // The embedded default (in memory, no licence): the same cap.
    const embedded = await createSessionLifecycle({ ...readSessionsConfig({}), licence: { ...readSessionsConfig({}).licence, evaluationMaxSessions: 100_000 } }, { logger });
    try {
      const start = { speechModel: 'universal-streaming-english', billingSubject: 'e', startedAt: new Date() };
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => embedded.admit({ ...start, sessionId: `e${i}` })));
      expect(results.filter((r) => r.ok)).toHaveLength(EVALUATION_MAX_SESSIONS);
    } finally {
      await embedded.close();
    }
  });
});
