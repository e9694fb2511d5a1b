import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies point down. gpu-pool is the bottom of the stack: the gateway (functions/) and
 * the runtime (runtime/) depend on it, never the other way round. Inside the engine, features/
 * and decoders/ are below the models that run them, the scheduler and the streams. This reads
 * every import of the files (tests included) and fails on one that points up.
 *
 * The runtime mounts the functions, so it must know them, but only through the manifest
 * (wrangler-like.config.ts) and each function's public entry (functions/<name>/index.ts): a
 * function's other files can then change without the runtime noticing.
 */
const GPU_POOL = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(GPU_POOL, '..');

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

const inside = (target: string, folder: string) => !relative(resolve(ROOT, folder), target).startsWith('..');

/** The relative imports of `file`, each with the path it resolves to. */
function relativeImports(file: string): Array<{ spec: string; target: string }> {
  return importSpecifiers(readFileSync(file, 'utf8'))
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({ spec, target: resolve(dirname(file), spec) }));
}

/** The imports of `file` that resolve into one of `above` (folders relative to the repository root). */
function importsInto(file: string, above: string[]): string[] {
  return relativeImports(file)
    .filter(({ target }) => above.some((folder) => inside(target, folder)))
    .map(({ spec }) => `${relative(ROOT, file)} imports ${spec}`);
}

/** Tests and their harnesses may reach into a function's files; production code may not. */
const isTestCode = (file: string) => /\.test\.ts$|test-support\.ts$/.test(file) || file.split(/[\\/]/).includes('testing');

/** The imports of `file` into functions/ other than a function's entry point, functions/<name>/index.ts. */
function importsOfFunctionInternals(file: string): string[] {
  return relativeImports(file)
    .filter(({ target }) => inside(target, 'functions') && !/^functions\/[^/]+\/index\.ts$/.test(relative(ROOT, target)))
    .map(({ spec }) => `${relative(ROOT, file)} imports ${spec}`);
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
    expect(files.flatMap((file) => importsInto(file, ['runtime', 'functions']))).toEqual([]);
  });

  it('proto/ (the wire contract) imports nothing from the worker, the client or the engine built on it', () => {
    const files = sourceFiles(join(GPU_POOL, 'proto'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const above = ['grpc', 'client', 'engine'].map((folder) => relative(ROOT, join(GPU_POOL, folder)));
    expect(files.flatMap((file) => importsInto(file, above))).toEqual([]);
  });

  it('engine features/ and decoders/ import nothing from models/, scheduler/ or stream/', () => {
    const engine = join(GPU_POOL, 'engine');
    const files = [...sourceFiles(join(engine, 'features')), ...sourceFiles(join(engine, 'decoders'))];
    expect(files.length).toBeGreaterThan(10);
    const above = ['models', 'scheduler', 'stream'].map((folder) => relative(ROOT, join(engine, folder)));
    expect(files.flatMap((file) => importsInto(file, above))).toEqual([]);
  });
});

describe('the runtime knows functions only through the manifest and their entry points', () => {
  it('runtime/ (tests and harnesses aside) and wrangler-like.config.ts import from functions/ only functions/<name>/index.ts', () => {
    const files = [...sourceFiles(resolve(ROOT, 'runtime')).filter((file) => !isTestCode(file)), resolve(ROOT, 'wrangler-like.config.ts')];
    expect(files.length).toBeGreaterThan(30);
    // The check sees the entry points it allows: the manifest mounts the functions through them.
    expect(relativeImports(resolve(ROOT, 'wrangler-like.config.ts')).filter(({ target }) => inside(target, 'functions')).length).toBeGreaterThanOrEqual(5);
    expect(files.flatMap(importsOfFunctionInternals)).toEqual([]);
  });
});
