/**
 * Vendor CLI: sign a licence.
 *   npm run license:sign -- --key licence-private.pem --licensee "Acme" --billing usage \
 *     --max-sessions 100 [--models universal-streaming-english,universal-3-5-pro | '*'] \
 *     [--days 365] [--id lic-acme-2026] [--kid k1] [--out license.jwt]
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signLicence } from './licence-signer.ts';

const { values } = parseArgs({
  options: {
    key: { type: 'string' },
    licensee: { type: 'string' },
    billing: { type: 'string', default: 'usage' },
    'max-sessions': { type: 'string', default: '10' },
    models: { type: 'string', default: '*' },
    days: { type: 'string' },
    id: { type: 'string' },
    kid: { type: 'string' },
    issuer: { type: 'string' },
    audience: { type: 'string' },
    out: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

if (!values.key || !values.licensee) fail('--key and --licensee are required');
if (values.billing !== 'flat' && values.billing !== 'usage') fail('--billing must be flat or usage');
const maxSessions = Number(values['max-sessions']);
if (!Number.isInteger(maxSessions) || maxSessions < 1) fail('--max-sessions must be a positive integer');
const now = Math.floor(Date.now() / 1000);
const jwt = await signLicence(readFileSync(values.key, 'utf8'), {
  id: values.id ?? `lic-${randomUUID()}`,
  licensee: values.licensee,
  billing: values.billing,
  maxConcurrentSessions: maxSessions,
  allowedModels: values.models.split(',').map((m) => m.trim()).filter(Boolean),
  notBefore: now,
  expiresAt: values.days ? now + Math.round(Number(values.days) * 86400) : undefined,
  kid: values.kid,
  issuer: values.issuer,
  audience: values.audience,
});
if (values.out) {
  writeFileSync(values.out, jwt + '\n');
  console.log(`wrote ${values.out}`);
} else console.log(jwt);
