/**
 * `models fetch NAME`: download (resumable, checksummed) into the cache, unpack into
 * <models>/NAME, open it with the engine's loader, and say how to serve it.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { CatalogEntry } from './catalog.ts';
import { download } from './download.ts';
import { extractArchive } from './extract.ts';
import { verifyModelDir } from './verify.ts';

export interface FetchOptions {
  /** Where model folders go (models/). */
  modelsDir: string;
  /** Where archives are downloaded to and kept (models/.downloads). */
  cacheDir: string;
  /** A sha256 from a source the user trusts, for an entry the catalog has not pinned. */
  sha256?: string;
  /** Fetch an unpinned entry anyway, printing the sha256 that arrived. */
  unpinned?: boolean;
  log: (line: string) => void;
  onProgress?: (received: number, total: number | undefined) => void;
}

export function archivePath(entry: CatalogEntry, cacheDir: string): string {
  return join(cacheDir, basename(new URL(entry.url!).pathname));
}

export function howToServe(dir: string): string {
  const inside = relative(process.cwd(), dir);
  const rel = inside && !inside.startsWith('..') ? inside : dir;
  return [
    'Serve it (every English session then uses it):',
    `  MODEL_DIR=${rel} npm start`,
    'Scale-out: run it as an en-default ASR worker, which gateways reach through ASR_ROUTES:',
    `  MODEL_DIR=${rel} npm start -- --role asr-worker`,
  ].join('\n');
}

export async function fetchModel(entry: CatalogEntry, options: FetchOptions): Promise<{ dir: string; sha256: string }> {
  if (!entry.url) throw new Error(`${entry.name} is bundled with Earshot: nothing to fetch`);
  const dir = join(options.modelsDir, entry.name);
  if (existsSync(dir)) throw new Error(`${dir} already exists: \`npm run models -- verify ${entry.name}\` checks it; delete it to fetch again`);
  const expected = options.sha256 ?? entry.sha256 ?? undefined;
  if (!expected && !options.unpinned) {
    throw new Error(`${entry.name} has no pinned sha256 in the catalog; pass --sha256 HEX from a source you trust, or --unpinned to fetch it and print the sha256 that arrived`);
  }
  const archive = archivePath(entry, options.cacheDir);
  options.log(`Fetching ${entry.name} from ${entry.url}`);
  const result = await download(entry.url, archive, {
    sha256: expected,
    size: entry.size_bytes ?? undefined,
    onProgress: options.onProgress,
    onResume: (from) => options.log(`resuming at byte ${from}`),
  });
  options.log(expected ? `sha256 ${result.sha256}: matches` : `sha256 ${result.sha256} (not checked: pin it in the catalog)`);
  extractArchive(archive, dir);
  const model = await verifyModelDir(entry, dir);
  options.log(`${entry.name} is in ${dir}: ${model.type}, ${model.sampleRate} Hz, ${model.vocabSize} tokens`);
  options.log(howToServe(dir));
  return { dir, sha256: result.sha256 };
}
