import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import manifest from '../wrangler-like.config.ts';
import { declaredBindings, type Bindings } from './bindings.ts';

/** Each binding a distinct marker, so what a function was given can be read back. */
const all = new Proxy({} as Record<string, unknown>, { get: (_, name) => `binding:${String(name)}` }) as unknown as Bindings;

describe('declaredBindings: a function is given only what the manifest declares for it', () => {
  it('passes the declared bindings and nothing else', () => {
    const given = declaredBindings({ bindings: ['config', 'live'] }, all) as unknown as Record<string, unknown>;
    expect(Object.keys(given).sort()).toEqual(['config', 'live']);
    expect(given.live).toBe('binding:live');
    expect(given.asrPool).toBeUndefined();
  });
});

describe("the manifest's binding blocks", () => {
  it('name only environment variables the runtime reads (the list cannot drift from the code)', () => {
    const root = join(import.meta.dirname, '..');
    const production = ['runtime', 'gpu-pool/client', 'gpu-pool/grpc']
      .flatMap((dir) => (readdirSync(join(root, dir), { recursive: true }) as string[]).map((f) => join(root, dir, f)))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('/testing/'));
    const code = production.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const [binding, declaration] of Object.entries(manifest.bindings)) {
      for (const variable of declaration.env) expect(code.includes(variable), `${binding}: ${variable}`).toBe(true);
    }
  });
});
