/**
 * The model catalog (catalog.json beside this file): upstream streaming models Earshot's engine
 * decodes, with where to get them and how to check what arrived. `sha256: null` means no
 * checksum has been pinned yet (this project's machines are offline); fetch then asks for one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const DEFAULT_CATALOG = fileURLToPath(new URL('./catalog.json', import.meta.url));

const entry = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a folder name: letters, digits, . _ -'),
  /** The engine's model type once loaded (ONNX metadata), e.g. zipformer2 or t_one_ctc. */
  format: z.string(),
  description: z.string(),
  languages: z.array(z.string()).min(1),
  sample_rate: z.number().int().positive(),
  /** Archive size in bytes; null = not pinned. */
  size_bytes: z.number().int().positive().nullable(),
  /** null for the bundled model. */
  url: z.string().url().nullable(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  licence: z.string(),
  source: z.string(),
  /** Word error rates in %, each with its test set and where it comes from; [] where none is recorded here. */
  wer: z.array(z.object({ set: z.string(), value: z.number(), kind: z.enum(['measured', 'published']), note: z.string() })),
});

export type CatalogEntry = z.infer<typeof entry>;

const catalog = z.object({ models: z.array(entry) });

export function loadCatalog(path = DEFAULT_CATALOG): CatalogEntry[] {
  const parsed = catalog.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const names = new Set<string>();
  for (const m of parsed.data.models) {
    if (names.has(m.name)) throw new Error(`${path}: model ${m.name} is listed twice`);
    names.add(m.name);
  }
  return parsed.data.models;
}

export function findEntry(models: CatalogEntry[], name: string): CatalogEntry {
  const found = models.find((m) => m.name === name);
  if (!found) throw new Error(`no model '${name}' in the catalog; \`npm run models -- list\` shows them`);
  return found;
}
