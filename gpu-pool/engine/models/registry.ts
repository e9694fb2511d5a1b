import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFormatError } from '../errors.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import type { AcousticModel } from './model.ts';
import type { SessionSettings } from './session.ts';

/**
 * What a registry entry sees of a model folder: its files, the single-file model if there is
 * one (model.onnx, or model.int8.onnx where settings prefer it), the file of each transducer
 * role, and each ONNX file's metadata (read once; an unreadable file is a ModelFormatError).
 */
export interface ModelFolder {
  readonly dir: string;
  readonly files: readonly string[];
  readonly settings: SessionSettings;
  /** Path of model.onnx / model.int8.onnx, null when the folder has neither. */
  readonly single: string | null;
  /** Path of the `role`*.onnx file (encoder, decoder, joiner), int8 where preferred and present; null when none. */
  pick(role: string): string | null;
  metadata(path: string): Record<string, string>;
}

/**
 * One model format: whether a folder holds it, and how to open it. `matches` reads only
 * metadata (cheap); `load` opens the sessions. Adding a format is one model file exporting an
 * entry, and its line in MODEL_TYPES.
 */
export interface ModelEntry {
  name: string;
  matches(folder: ModelFolder): boolean;
  load(folder: ModelFolder): Promise<AcousticModel>;
}

export function openModelFolder(dir: string, settings: SessionSettings): ModelFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ModelFormatError(`model folder ${dir} does not exist`);
  const files = readdirSync(dir);
  const cache = new Map<string, Record<string, string>>();
  const int8 = join(dir, 'model.int8.onnx');
  const fp32 = join(dir, 'model.onnx');
  const single = settings.preferInt8 && existsSync(int8) ? int8 : existsSync(fp32) ? fp32 : null;
  return {
    dir,
    files,
    settings,
    single,
    pick(role) {
      const cands = files.filter((f) => f.startsWith(role) && f.endsWith('.onnx'));
      // Full precision unless int8 is preferred, or only a quantised export is present.
      const chosen = (settings.preferInt8 ? cands.find((f) => f.includes('int8')) : undefined) ?? cands.find((f) => !f.includes('int8')) ?? cands[0];
      return chosen ? join(dir, chosen) : null;
    },
    metadata(path) {
      let meta = cache.get(path);
      if (!meta) {
        try {
          meta = readOnnxMetadata(path);
        } catch (err) {
          throw new ModelFormatError(`${path}: ${(err as Error).message}`);
        }
        cache.set(path, meta);
      }
      return meta;
    },
  };
}

/**
 * Opens a model folder with the first entry of `entries` that matches it. Every failure is a
 * ModelFormatError that names the folder and the problem.
 */
export async function loadFromRegistry(entries: readonly ModelEntry[], dir: string, settings: SessionSettings): Promise<AcousticModel> {
  const folder = openModelFolder(dir, settings);
  for (const entry of entries) if (entry.matches(folder)) return entry.load(folder);
  const described = folder.single ?? folder.pick('encoder');
  if (!described) throw new ModelFormatError(`${dir}: no model.onnx (CTC) or encoder/decoder/joiner .onnx (transducer) found`);
  const type = folder.metadata(described).model_type;
  throw new ModelFormatError(`${described}: unsupported model type '${type ?? '(none in metadata)'}' (supported: ${entries.map((e) => e.name).join(', ')})`);
}
