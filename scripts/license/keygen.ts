/**
 * Vendor CLI: create a licence signing key pair.
 *   npm run license:keygen -- --out ./keys [--alg EdDSA|ES256|RS256]
 * Writes <out>/licence-private.pem (keep secret) and <out>/licence-public.pem (ship to customers
 * as LICENSE_PUBLIC_KEYS).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateLicenceKeyPair, type SigningAlgorithm } from './licence-signer.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: '.' }, alg: { type: 'string', default: 'EdDSA' } } });
const alg = values.alg as SigningAlgorithm;
if (!['EdDSA', 'ES256', 'RS256'].includes(alg)) {
  console.error(`unsupported --alg ${alg}; use EdDSA, ES256 or RS256`);
  process.exit(2);
}
const { privatePem, publicPem } = generateLicenceKeyPair(alg);
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'licence-private.pem'), privatePem, { mode: 0o600 });
writeFileSync(join(values.out, 'licence-public.pem'), publicPem);
console.log(`wrote ${join(values.out, 'licence-private.pem')} (secret) and ${join(values.out, 'licence-public.pem')} (${alg})`);
