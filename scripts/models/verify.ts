/**
 * Checks a model folder the way the worker will use it: the engine's own loader opens it (files,
 * ONNX metadata, tokens) and what it reports must match the catalog; the archive, if still in
 * the download cache, must still have the catalog's sha256.
 */
import { existsSync } from 'node:fs';
import { loadModel } from '../../gpu-pool/engine/models/load-model.ts';
import type { ModelDescription } from '../../gpu-pool/engine/models/model.ts';
import type { CatalogEntry } from './catalog.ts';
import { sha256Of } from './download.ts';

export async function verifyModelDir(entry: CatalogEntry, dir: string, archive?: string): Promise<ModelDescription> {
  if (!existsSync(dir)) throw new Error(`${dir} does not exist: \`npm run models -- fetch ${entry.name}\` first`);
  if (archive && entry.sha256 && existsSync(archive)) {
    const sha256 = await sha256Of(archive);
    if (sha256 !== entry.sha256) throw new Error(`${archive}: sha256 ${sha256}, the catalog says ${entry.sha256}`);
  }
  const model = await loadModel(dir, { provider: 'cpu', intraOpThreads: 1, preferInt8: true });
  try {
    const d = model.description;
    if (d.type !== entry.format) throw new Error(`${dir}: the engine reads a '${d.type}' model, the catalog says '${entry.format}'`);
    if (d.sampleRate !== entry.sample_rate) throw new Error(`${dir}: the model runs at ${d.sampleRate} Hz, the catalog says ${entry.sample_rate}`);
    return d;
  } finally {
    await model.release();
  }
}
