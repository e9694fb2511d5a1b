/**
 * Licences for tests: the evaluation cap is fixed (4 sessions), so a test that needs more
 * concurrent sessions runs under a licence signed here with a throw-away vendor key, exactly as a
 * customer would (LICENSE_FILE_PATH + LICENSE_PUBLIC_KEYS), or under terms handed in directly.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLicenceKeyPair, signLicence } from '../../scripts/license/licence-signer.ts';
import type { LicenceTerms } from './claims.ts';

/** Licence terms a test hands to staticLicence(): not evaluation, so no cap but this one applies. */
export function testTerms(maxConcurrentSessions: number, overrides: Partial<LicenceTerms> = {}): LicenceTerms {
  return { id: 'lic-test', licensee: 'Acme', billing: 'flat', maxConcurrentSessions, allowedModels: ['*'], expiresAt: null, evaluation: false, ...overrides };
}

let vendor: ReturnType<typeof generateLicenceKeyPair> | undefined;

/** The throw-away vendor key pair of this test process (one per process: generating is cheap, but not free). */
export function testVendor(): { privatePem: string; publicPem: string } {
  vendor ??= generateLicenceKeyPair('EdDSA');
  return vendor;
}

/**
 * Signs an offline flat licence for every model and writes it to a temporary file; returns the
 * variables that make a process (or loadConfig) use it.
 */
export async function testLicenceEnv(maxConcurrentSessions: number, id = 'lic-test'): Promise<{ LICENSE_FILE_PATH: string; LICENSE_PUBLIC_KEYS: string }> {
  const { privatePem, publicPem } = testVendor();
  const now = Math.floor(Date.now() / 1000);
  const jwt = await signLicence(privatePem, { id, licensee: 'Acme', billing: 'flat', maxConcurrentSessions, allowedModels: ['*'], notBefore: now - 60, expiresAt: now + 7 * 86400 });
  const path = join(mkdtempSync(join(tmpdir(), 'earshot-test-licence-')), 'license.jwt');
  writeFileSync(path, jwt);
  return { LICENSE_FILE_PATH: path, LICENSE_PUBLIC_KEYS: publicPem };
}
