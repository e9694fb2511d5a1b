import { existsSync } from 'node:fs';
import { delimiter, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Where bundled models are looked up: EARSHOT_MODEL_PATH (path-list), then ./models and
 * ../shared/models relative to the working directory, then the same two relative to the
 * repository root (so tests and tools work from any directory).
 */
export function modelSearchPath(): string[] {
  const fromEnv = (process.env.EARSHOT_MODEL_PATH ?? '').split(delimiter).filter(Boolean);
  return [...fromEnv, resolve('models'), resolve('..', 'shared', 'models'), resolve(REPO_ROOT, 'models'), resolve(REPO_ROOT, '..', 'shared', 'models')];
}

export function findModelFile(relative: string, searchPath: string[] = modelSearchPath()): string | undefined {
  if (isAbsolute(relative)) return existsSync(relative) ? relative : undefined;
  for (const dir of searchPath) {
    const p = resolve(dir, relative);
    if (existsSync(p)) return p;
  }
  return undefined;
}
