import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * gpu-pool is the bottom of the stack: the gateway (functions/) and the runtime (runtime/)
 * depend on it, never the other way round. This reads every import of gpu-pool's own files
 * (tests included) and fails on one that resolves into runtime/ or functions/.
 */
const GPU_POOL = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(GPU_POOL, '..');
const FORBIDDEN = ['runtime', 'functions'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'testdata' ? [] : sourceFiles(path);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

/** Module specifiers of static imports/exports, dynamic import() and require() with a string literal. */
function importSpecifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...source.matchAll(pattern)].map((m) => m[1]!);
}

function forbiddenImports(file: string): string[] {
  return importSpecifiers(readFileSync(file, 'utf8'))
    .filter((spec) => spec.startsWith('.'))
    .filter((spec) => FORBIDDEN.includes(relative(ROOT, resolve(dirname(file), spec)).split(/[\\/]/)[0]!))
    .map((spec) => `${relative(ROOT, file)} imports ${spec}`);
}

describe('gpu-pool dependencies point down', () => {
  it('finds the imports it checks', () => {
    expect(importSpecifiers(`import { a } from '../../runtime/logger.ts';\nimport type { B } from "./b.ts";\nexport * from './c.ts';\nconst d = await import('../d.ts');\nimport './e.ts';`)).toEqual([
      '../../runtime/logger.ts',
      './b.ts',
      './c.ts',
      '../d.ts',
      './e.ts',
    ]);
  });

  it('no file under gpu-pool imports runtime/ or functions/', () => {
    const files = sourceFiles(GPU_POOL);
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(forbiddenImports)).toEqual([]);
  });
});
