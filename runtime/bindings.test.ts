import { describe, expect, it } from 'vitest';
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
