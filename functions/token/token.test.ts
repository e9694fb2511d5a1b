import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../runtime/logger.ts';
import { testTerms } from '../../runtime/license/test-support.ts';
import { staticLicence } from '../../runtime/license/source.ts';
import { readSessionsConfig } from '../../runtime/sessions/config.ts';
import { createSessionLifecycle } from '../../runtime/sessions/index.ts';
import { cleanupPrefix, TEST_REDIS_URL, testPrefix } from '../../runtime/sessions/test-support.ts';
import { createTokenRoute } from './index.ts';

const logger = createLogger('token-test', {});
logger.level = 'silent';
const prefix = testPrefix('tokens');
afterAll(() => cleanupPrefix(prefix));

describe('GET /v3/token and temporary tokens (Redis)', async () => {
  const lifecycle = await createSessionLifecycle(
    { ...readSessionsConfig({}), redisUrl: TEST_REDIS_URL, redisPrefix: prefix, apiKeys: ['key-1'] },
    { logger, licence: staticLicence({ ...testTerms(10), id: 'lic-t', licensee: 'Acme' }) },
  );
  afterAll(() => lifecycle.close());
  const app = createTokenRoute({ tokens: lifecycle.tokens, apiKeys: ['key-1'] });
  const get = (query: string, authorization?: string) => app.request(`/v3/token${query}`, { headers: authorization ? { authorization } : {} });

  it('validates the request like the cloud API (400/401 with {"error"})', async () => {
    const cases: [string, string | undefined, number][] = [
      ['?expires_in_seconds=60', undefined, 401],
      ['?expires_in_seconds=60', 'wrong-key', 401],
      ['', 'key-1', 400],
      ['?expires_in_seconds=0', 'key-1', 400],
      ['?expires_in_seconds=601', 'key-1', 400],
      ['?expires_in_seconds=abc', 'key-1', 400],
      ['?expires_in_seconds=60&max_session_duration_seconds=59', 'key-1', 400],
      ['?expires_in_seconds=60&max_session_duration_seconds=10801', 'key-1', 400],
    ];
    for (const [query, auth, status] of cases) {
      const res = await get(query, auth);
      expect(res.status, `${query} ${auth}`).toBe(status);
      expect(typeof (await res.json()).error).toBe('string');
    }
  });

  it('a token is single use, in the query or the Authorization header, and carries max_session_duration_seconds', async () => {
    const res = await get('?expires_in_seconds=60&max_session_duration_seconds=120', 'key-1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expires_in_seconds: number };
    expect(body.expires_in_seconds).toBe(60);
    expect(await lifecycle.authorize({ token: body.token })).toEqual({ ok: true, maxSessionSeconds: 120, billingSubject: 'Acme' });
    expect(await lifecycle.authorize({ token: body.token })).toMatchObject({ ok: false, code: 1008, reason: 'Unauthorized Connection: Invalid or expired temporary token' });

    // Python SDK style: the token in the Authorization header; default duration 3 h.
    const second = (await (await get('?expires_in_seconds=60', 'key-1')).json()) as { token: string };
    expect(await lifecycle.authorize({ authorization: second.token })).toMatchObject({ ok: true, maxSessionSeconds: 10800 });
    expect(await lifecycle.authorize({ authorization: second.token })).toMatchObject({ ok: false, code: 1008 });
    // A token cannot mint tokens.
    expect((await get('?expires_in_seconds=60', second.token)).status).toBe(401);
  });

  it('two gateways racing for one token: exactly one wins', async () => {
    const { token } = (await (await get('?expires_in_seconds=60', 'key-1')).json()) as { token: string };
    const results = await Promise.all(Array.from({ length: 8 }, () => lifecycle.authorize({ token })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('an expired token is refused', async () => {
    const { token } = (await (await get('?expires_in_seconds=1', 'key-1')).json()) as { token: string };
    await new Promise((r) => setTimeout(r, 1100));
    expect(await lifecycle.authorize({ token })).toMatchObject({ ok: false, code: 1008 });
  });

  it('API keys: missing header refused, allow-listed key accepted, unknown key refused', async () => {
    expect(await lifecycle.authorize({})).toEqual({ ok: false, code: 1008, reason: 'Unauthorized Connection: Missing Authorization header' });
    expect(await lifecycle.authorize({ authorization: 'key-1' })).toEqual({ ok: true, maxSessionSeconds: 10800, billingSubject: 'Acme' });
    expect(await lifecycle.authorize({ authorization: 'nope' })).toMatchObject({ ok: false, code: 1008 });
  });
});
