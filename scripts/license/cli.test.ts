import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPublicKeys } from '../../runtime/license/keys.ts';
import { verifyLicence } from '../../runtime/license/verify.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = (script: string, args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, encoding: 'utf8' });

describe('vendor licence CLI', () => {
  it('keygen + sign produce a licence the runtime accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-cli-'));
    tsx('scripts/license/keygen.ts', ['--out', dir, '--alg', 'ES256']);
    tsx('scripts/license/sign.ts', [
      '--key', join(dir, 'licence-private.pem'),
      '--licensee', 'Acme Corp', '--billing', 'flat', '--max-sessions', '25',
      '--models', 'universal-streaming-english,universal-3-5-pro', '--days', '30', '--id', 'lic-cli',
      '--out', join(dir, 'license.jwt'),
    ]);
    const terms = await verifyLicence(readFileSync(join(dir, 'license.jwt'), 'utf8'), { keys: loadPublicKeys(join(dir, 'licence-public.pem')), now: Date.now() });
    expect(terms).toMatchObject({ id: 'lic-cli', licensee: 'Acme Corp', billing: 'flat', maxConcurrentSessions: 25, allowedModels: ['universal-streaming-english', 'universal-3-5-pro'] });
    expect(terms.expiresAt!.getTime() - Date.now()).toBeGreaterThan(29 * 86400_000);
  });
});
