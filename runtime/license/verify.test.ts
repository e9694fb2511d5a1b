import { createPublicKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, base64url } from 'jose';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateLicenceKeyPair, signLicence, type LicenceToSign } from '../../scripts/license/licence-signer.ts';
import { createLogger } from '../logger.ts';
import { loadPublicKeys } from './keys.ts';
import { LicenceMonitor } from './monitor.ts';
import { verifyLicence } from './verify.ts';

const vendor = generateLicenceKeyPair('EdDSA');
const stranger = generateLicenceKeyPair('EdDSA');
const keys = loadPublicKeys(vendor.publicPem);
const now = Math.floor(Date.now() / 1000);
const base: LicenceToSign = { id: 'lic-1', licensee: 'Acme', billing: 'usage', maxConcurrentSessions: 5, allowedModels: ['*'], notBefore: now - 60, expiresAt: now + 3600 };
const logger = createLogger('licence-test', {});

async function code(jwt: string, opts: { audience?: string; issuer?: string } = {}): Promise<string> {
  try {
    await verifyLicence(jwt, { keys, now: Date.now(), ...opts });
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
}

describe('licence verification', () => {
  it('accepts a valid licence and exposes its terms', async () => {
    const terms = await verifyLicence(await signLicence(vendor.privatePem, base), { keys, now: Date.now() });
    expect(terms).toMatchObject({ id: 'lic-1', licensee: 'Acme', billing: 'usage', maxConcurrentSessions: 5, allowedModels: ['*'], evaluation: false });
  });

  it('accepts ES256 and RS256 licences and JWK keys', async () => {
    for (const alg of ['ES256', 'RS256'] as const) {
      const pair = generateLicenceKeyPair(alg);
      const jwk = JSON.stringify(createPublicKey(pair.publicPem).export({ format: 'jwk' }));
      const terms = await verifyLicence(await signLicence(pair.privatePem, base), { keys: loadPublicKeys(jwk), now: Date.now() });
      expect(terms.id).toBe('lic-1');
    }
  });

  it('rejects expired, not-yet-valid, wrong audience and wrong issuer', async () => {
    expect(await code(await signLicence(vendor.privatePem, { ...base, expiresAt: now - 10 }))).toBe('expired');
    expect(await code(await signLicence(vendor.privatePem, { ...base, notBefore: now + 3600 }))).toBe('not_yet_valid');
    expect(await code(await signLicence(vendor.privatePem, { ...base, audience: 'someone-else' }))).toBe('wrong_audience');
    expect(await code(await signLicence(vendor.privatePem, { ...base, issuer: 'mallory' }))).toBe('wrong_issuer');
  });

  it('rejects a tampered licence and one signed by another key', async () => {
    const [h, p, s] = (await signLicence(vendor.privatePem, base)).split('.');
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
    payload.limits.max_concurrent_sessions = 10_000;
    const tampered = [h, base64url.encode(JSON.stringify(payload)), s].join('.');
    expect(await code(tampered)).toBe('bad_signature');
    expect(await code(await signLicence(stranger.privatePem, base))).toBe('bad_signature');
  });

  it('rejects alg none and HMAC signed with the public key (algorithm confusion)', async () => {
    const claims = { jti: 'lic-x', licensee: 'Mallory', billing: 'flat', limits: { max_concurrent_sessions: 9999, allowed_models: ['*'] }, iss: 'earshot-licensing', aud: 'earshot-self-hosted', exp: now + 3600 };
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(claims))}.`;
    expect(await code(none)).toBe('alg_not_allowed');
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(vendor.publicPem));
    expect(await code(hs)).toBe('alg_not_allowed');
    // Hand-rolled too, in case a library ever "helpfully" accepted PEM text as an HMAC secret.
    const input = `${base64url.encode(JSON.stringify({ alg: 'HS256' }))}.${base64url.encode(JSON.stringify(claims))}`;
    const mac = base64url.encode(createHmac('sha256', vendor.publicPem).update(input).digest());
    expect(await code(`${input}.${mac}`)).toBe('alg_not_allowed');
  });

  it('refuses private keys and symmetric keys as verification keys', () => {
    expect(() => loadPublicKeys(vendor.privatePem)).toThrow(/private key/);
    expect(() => loadPublicKeys(JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }))).toThrow(/symmetric/);
    expect(() => loadPublicKeys('/nonexistent/key.pem')).toThrow(expect.objectContaining({ code: 'no_keys' }));
  });

  it('a missing or invalid licence file means Failed with its reason; no file at all means evaluation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-lic-'));
    const missing = new LicenceMonitor({ licenseFilePath: join(dir, 'nope.jwt'), publicKeys: keys, checkinIntervalMs: 1000, trustWindowMs: 1000, logger });
    expect((await missing.load()).state).toBe('Failed');
    expect(missing.error?.code).toBe('missing_file');

    const tamperedPath = join(dir, 'expired.jwt');
    writeFileSync(tamperedPath, await signLicence(vendor.privatePem, { ...base, expiresAt: now - 1 }));
    const expired = new LicenceMonitor({ licenseFilePath: tamperedPath, publicKeys: keys, checkinIntervalMs: 1000, trustWindowMs: 1000, logger });
    const view = await expired.load();
    expect(view).toMatchObject({ state: 'Failed', terms: null });
    expect(expired.error?.code).toBe('expired');

    const evaluation = new LicenceMonitor({ checkinIntervalMs: 1000, trustWindowMs: 1000, logger });
    expect((await evaluation.load()).terms).toMatchObject({ evaluation: true, maxConcurrentSessions: 4, billing: 'flat' });
  });
});
