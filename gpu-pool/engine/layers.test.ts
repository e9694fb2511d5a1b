import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Inside the engine, dependencies point down: models/ (networks, state stacking) know nothing of
 * the recognizers that search over them, and neither knows the scheduler or the streams above.
 * Reads every relative import of the files (tests included).
 */
const ENGINE = import.meta.dirname;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []));
}

function importsInto(folder: string, above: string[]): string[] {
  return files(join(ENGINE, folder)).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.[^'"]+)['"]/g)]
      .map((m) => m[1]!)
      .filter((spec) => above.some((a) => !relative(join(ENGINE, a), resolve(dirname(file), spec)).startsWith('..')))
      .map((spec) => `${relative(ENGINE, file)} imports ${spec}`),
  );
}

describe('engine layers', () => {
  it('models/ import nothing from recognizers/, scheduler/ or stream/', () => {
    expect(files(join(ENGINE, 'models')).length).toBeGreaterThan(8);
    expect(importsInto('models', ['recognizers', 'scheduler', 'stream'])).toEqual([]);
  });

  it('recognizers/ import nothing from scheduler/ or stream/', () => {
    expect(files(join(ENGINE, 'recognizers')).length).toBeGreaterThan(3);
    expect(importsInto('recognizers', ['scheduler', 'stream'])).toEqual([]);
  });
});
