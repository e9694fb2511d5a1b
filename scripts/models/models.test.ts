/**
 * `npm run models`: the catalog, and fetch/verify against a small HTTP server on 127.0.0.1 that
 * serves a fixture archive (the engine's random-weight zipformer2 folder as .tar.bz2; nothing
 * here touches the internet): progress, checksum failure, interrupted downloads resumed (within
 * one run and across runs), extraction, and the fetched folder served by an ASR worker.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthCheck } from '../../gpu-pool/grpc/testing/raw-client.ts';
import { asrWorkerOptionsFromEnv, startAsrWorker } from '../../runtime/roles/asr-worker.ts';
import { loadCatalog, type CatalogEntry } from './catalog.ts';
import { download, sha256Of } from './download.ts';
import { fetchModel } from './fetch.ts';
import { progressBar } from './progress.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const FIXTURE_MODEL = fileURLToPath(new URL('../../gpu-pool/engine/testdata/zipformer2-random', import.meta.url));
const NAME = 'fixture-zipformer2';

const work = mkdtempSync(join(tmpdir(), 'earshot-models-'));
const archive = join(work, `${NAME}.tar.bz2`);
let body: Buffer;
let sha256: string;
let server: Server;
let base: string;
/** Every request the server saw: path and Range header. */
const requests: Array<{ path: string; range?: string }> = [];
/** Paths whose next response is cut off after this many bytes. */
const dropNext = new Map<string, number>();

beforeAll(async () => {
  mkdirSync(join(work, 'src'));
  cpSync(FIXTURE_MODEL, join(work, 'src', NAME), { recursive: true });
  execFileSync('tar', ['-cjf', archive, '-C', join(work, 'src'), NAME]);
  body = readFileSync(archive);
  sha256 = await sha256Of(archive);
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, range: req.headers.range });
    if (!path.endsWith('.tar.bz2')) return void res.writeHead(404).end();
    const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    if (from >= body.length) return void res.writeHead(416).end();
    const part = body.subarray(from);
    res.writeHead(from > 0 ? 206 : 200, {
      'content-length': part.length,
      ...(from > 0 ? { 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` } : {}),
    });
    const cut = dropNext.get(path);
    if (cut !== undefined) {
      dropNext.delete(path);
      // Let the client read what was sent before the connection goes.
      res.write(part.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 200));
      return;
    }
    // Small pieces, so the progress bar moves.
    for (let i = 0; i < part.length; i += 4096) res.write(part.subarray(i, i + 4096));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

function entry(overrides: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    name: NAME,
    format: 'zipformer2',
    description: 'random-weight zipformer2 fixture',
    languages: ['en'],
    sample_rate: 16000,
    size_bytes: body.length,
    url: `${base}/${overrides.name ?? NAME}.tar.bz2`,
    sha256,
    licence: 'test',
    source: 'scripts/testmodels/make_zipformer2_transducer.py',
    wer: [],
    ...overrides,
  };
}

function cli(args: string[], models: CatalogEntry[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const catalog = join(mkdtempSync(join(work, 'catalog-')), 'catalog.json');
  writeFileSync(catalog, JSON.stringify({ models }));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--catalog', catalog], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the committed catalog', () => {
  it('lists the bundled model and upstream streaming transducers the engine decodes, each with a download URL', () => {
    const models = loadCatalog();
    expect(models.find((m) => m.name === 'earshot-en')).toMatchObject({ url: null, format: 't_one_ctc' });
    const upstream = models.filter((m) => m.url);
    expect(upstream.length).toBeGreaterThanOrEqual(3);
    for (const m of upstream) {
      expect(m.url).toMatch(/^https:\/\/.*\.tar\.bz2$/);
      expect(['zipformer', 'zipformer2']).toContain(m.format);
      expect(m.sample_rate).toBe(16000);
    }
    expect(upstream.some((m) => m.format === 'zipformer2')).toBe(true);
  });

  it('a catalog with a bad entry is refused with the field named', () => {
    const path = join(work, 'bad.json');
    writeFileSync(path, JSON.stringify({ models: [{ ...entry(), sha256: 'abc' }] }));
    expect(() => loadCatalog(path)).toThrow(/models\.0\.sha256/);
  });
});

describe('npm run models -- fetch / verify', () => {
  it('progress bar', () => {
    expect(progressBar(512 * 1024, 2 * 1024 * 1024, 10)).toBe('[###-------]  25%  0.5 / 2.0 MB');
    expect(progressBar(3 * 1024 * 1024, undefined)).toBe('3.0 MB');
  });

  it('fetches with progress and checksum, unpacks into models/NAME, and an ASR worker serves the folder', async () => {
    const modelsDir = join(work, 'models-ok');
    const { code, stdout, stderr } = await cli(['fetch', NAME, '--models-dir', modelsDir], [entry()]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`[##############################] 100%`);
    expect(stdout).toContain(`sha256 ${sha256}: matches`);
    expect(stdout).toMatch(/zipformer2, 16000 Hz/);
    expect(stdout).toContain(`MODEL_DIR=`);
    const dir = join(modelsDir, NAME);
    for (const f of ['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt']) expect(existsSync(join(dir, f))).toBe(true);
    expect(existsSync(join(modelsDir, '.downloads', `${NAME}.tar.bz2`))).toBe(true);

    const verified = await cli(['verify', NAME, '--models-dir', modelsDir], [entry()]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`^${NAME}: OK \\(zipformer2, 16000 Hz`));

    const worker = await startAsrWorker({
      ...asrWorkerOptionsFromEnv({ MODEL_DIR: dir, SERVER_PORT: '0', SERVER_HOST: '127.0.0.1', ASR_WORKERS: '1', ASR_THREADS: '1' }),
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(worker.engine.model).toMatchObject({ type: 'zipformer2', sampleRate: 16000 });
      expect(await healthCheck(`127.0.0.1:${worker.port}`)).toBe('SERVING');
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('a checksum mismatch is reported, and neither the download nor a model folder is left behind', async () => {
    const modelsDir = join(work, 'models-bad');
    const wrong = sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const { code, stderr } = await cli(['fetch', NAME, '--models-dir', modelsDir], [entry({ sha256: wrong })]);
    expect(code).toBe(1);
    expect(stderr).toContain(`sha256 ${sha256} does not match the catalog's ${wrong}; the download was deleted`);
    expect(existsSync(join(modelsDir, NAME))).toBe(false);
    expect(existsSync(join(modelsDir, '.downloads', `${NAME}.tar.bz2.part`))).toBe(false);
    expect(existsSync(join(modelsDir, '.downloads', `${NAME}.tar.bz2`))).toBe(false);
  }, 30_000);

  it('a dropped connection is resumed from where it stopped (Range), in the same run', async () => {
    const modelsDir = join(work, 'models-resume');
    const name = 'resume-in-run';
    dropNext.set(`/${name}.tar.bz2`, 10_000);
    const { code, stdout, stderr } = await cli(['fetch', name, '--models-dir', modelsDir], [entry({ name })]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('resuming at byte 10000');
    expect(requests.filter((r) => r.path === `/${name}.tar.bz2`).map((r) => r.range)).toEqual([undefined, 'bytes=10000-']);
    expect(stdout).toContain(`sha256 ${sha256}: matches`);
    expect(existsSync(join(modelsDir, name, 'encoder.onnx'))).toBe(true);
  }, 30_000);

  it('an interrupted download keeps its bytes and the next run resumes them', async () => {
    const dest = join(work, 'across-runs', 'model.tar.bz2');
    mkdirSync(join(work, 'across-runs'));
    const url = `${base}/across-runs.tar.bz2`;
    dropNext.set('/across-runs.tar.bz2', 12_345);
    await expect(download(url, dest, { sha256, attempts: 1 })).rejects.toThrow(/interrupted .*12345 bytes kept in .*\.part: run the same command again to resume/);
    const resumed: number[] = [];
    const result = await download(url, dest, { sha256, onResume: (from) => resumed.push(from) });
    expect(resumed).toEqual([12_345]);
    expect(requests.filter((r) => r.path === '/across-runs.tar.bz2').map((r) => r.range)).toEqual([undefined, 'bytes=12345-']);
    expect(result).toEqual({ path: dest, bytes: body.length, sha256 });
    expect(readFileSync(dest).equals(body)).toBe(true);
  });

  it('an entry without a pinned sha256 is not fetched unless the user gives one or asks for --unpinned', async () => {
    const options = { modelsDir: join(work, 'models-unpinned'), cacheDir: join(work, 'models-unpinned', '.downloads'), log: () => {} };
    await expect(fetchModel(entry({ name: 'unpinned', sha256: null }), options)).rejects.toThrow(/no pinned sha256.*--sha256 HEX.*--unpinned/);
    const lines: string[] = [];
    const { sha256: got } = await fetchModel(entry({ name: 'unpinned', sha256: null }), { ...options, unpinned: true, log: (l) => lines.push(l) });
    expect(got).toBe(sha256);
    expect(lines).toContain(`sha256 ${sha256} (not checked: pin it in the catalog)`);
  });
});
