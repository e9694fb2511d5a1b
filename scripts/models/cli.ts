/**
 * npm run models -- list
 * npm run models -- fetch NAME [--sha256 HEX | --unpinned] [--models-dir models] [--catalog FILE]
 * npm run models -- verify NAME [--models-dir models] [--catalog FILE]
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CATALOG, findEntry, loadCatalog, type CatalogEntry } from './catalog.ts';
import { archivePath, fetchModel, howToServe } from './fetch.ts';
import { progressReporter } from './progress.ts';
import { verifyModelDir } from './verify.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const USAGE = 'usage: npm run models -- list | fetch NAME [--sha256 HEX | --unpinned] | verify NAME   [--models-dir DIR] [--catalog FILE]';

function describe(m: CatalogEntry): string {
  const size = m.size_bytes ? `${Math.round(m.size_bytes / 1024 / 1024)} MB` : m.url ? 'size ?' : 'bundled';
  const wer = m.wer.length ? `WER ${m.wer.map((w) => `${w.value} % ${w.set}`).join(', ')} (${m.wer[0].kind}: ${m.wer[0].note})` : 'WER: see source';
  return `${m.name}\n  ${m.description}\n  ${m.format}, ${m.languages.join('/')}, ${m.sample_rate / 1000} kHz, ${size}, ${m.licence}${m.sha256 || !m.url ? '' : ', sha256 not pinned'}; ${wer}\n  ${m.source}`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      catalog: { type: 'string', default: DEFAULT_CATALOG },
      'models-dir': { type: 'string', default: join(REPO_ROOT, 'models') },
      sha256: { type: 'string' },
      unpinned: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [command, name] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const models = loadCatalog(values.catalog);
  const modelsDir = resolve(values['models-dir']);
  const cacheDir = join(modelsDir, '.downloads');
  if (command === 'list') {
    process.stdout.write(`${models.map(describe).join('\n\n')}\n`);
    return 0;
  }
  if ((command === 'fetch' || command === 'verify') && name) {
    const entry = findEntry(models, name);
    if (command === 'fetch') {
      await fetchModel(entry, {
        modelsDir,
        cacheDir,
        sha256: values.sha256,
        unpinned: values.unpinned,
        log: (line) => process.stdout.write(`${line}\n`),
        onProgress: progressReporter((text) => process.stderr.write(text), process.stderr.isTTY === true),
      });
      return 0;
    }
    const dir = entry.url ? join(modelsDir, entry.name) : join(REPO_ROOT, 'models', entry.name);
    const model = await verifyModelDir(entry, dir, entry.url ? archivePath(entry, cacheDir) : undefined);
    process.stdout.write(`${entry.name}: OK (${model.type}, ${model.sampleRate} Hz, ${model.vocabSize} tokens) in ${dir}\n${entry.url ? `${howToServe(dir)}\n` : ''}`);
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`models: ${err.message}\n`);
    process.exit(1);
  },
);
