// The baseline to beat on real speech: Debian's pocketsphinx with its en-us acoustic model, trigram
// LM and dictionary (`apt-get install pocketsphinx pocketsphinx-en-us sox libsox-fmt-all`), two ways:
// - live: pocketsphinx_continuous, its streaming recogniser (voice-activity segmentation, utterances
//   decoded as they end), the mode comparable to a live Earshot session;
// - batch: pocketsphinx_batch, each file decoded whole, which knows where the utterance starts and
//   ends and so is the stronger of the two (measured 22.9 % vs 41 % WER on ../shared/testdata).
// sox converts each file to 16 kHz 16-bit mono WAV first, the only input either tool reads.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Utterance } from './sets.js';

// The baseline does not change between runs of the evaluation: its transcripts are kept per file
// (path, size and mtime) and mode under work-data/, which is never committed.
const CACHE_DIR = join(import.meta.dirname, '..', '..', 'work-data', 'cache', 'pocketsphinx');

/** Why pocketsphinx cannot run here, or null when it can. */
export function pocketsphinxMissing(): string | null {
  for (const tool of ['pocketsphinx_continuous', 'pocketsphinx_batch', 'sox']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install pocketsphinx pocketsphinx-en-us sox libsox-fmt-all)`;
  }
  return null;
}

export type PocketsphinxMode = 'live' | 'batch';

/** Transcripts in the order of `utts`; an utterance pocketsphinx gives up on reads as empty. */
export async function transcribeWithPocketsphinx(utts: Utterance[], mode: PocketsphinxMode, jobs = 2): Promise<string[]> {
  const keys = utts.map((u) => {
    const st = statSync(u.path);
    return createHash('sha1').update(`${mode}\0${u.path}\0${st.size}\0${st.mtimeMs}`).digest('hex');
  });
  const cached = keys.map((k) => (existsSync(join(CACHE_DIR, k)) ? readFileSync(join(CACHE_DIR, k), 'utf8') : null));
  const todo = utts.map((_, i) => i).filter((i) => cached[i] === null);
  if (todo.length) {
    const fresh = await run(todo.map((i) => utts[i]), mode, jobs);
    mkdirSync(CACHE_DIR, { recursive: true });
    todo.forEach((i, k) => {
      cached[i] = fresh[k];
      writeFileSync(join(CACHE_DIR, keys[i]), fresh[k]);
    });
  }
  return cached as string[];
}

async function run(utts: Utterance[], mode: PocketsphinxMode, jobs: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-pocketsphinx-'));
  try {
    utts.forEach((u, i) => execFileSync('sox', [u.path, '-r', '16000', '-b', '16', '-c', '1', join(dir, `u${i}.wav`)]));
    if (mode === 'live') return await live(utts.length, dir, jobs);
    // pocketsphinx_batch is single-threaded: the list is split across `jobs` processes
    const lanes = Array.from({ length: jobs }, (_, k) => utts.map((_, i) => i).filter((i) => i % jobs === k));
    await Promise.all(
      lanes.map((ids, k) => {
        writeFileSync(join(dir, `ctl${k}`), ids.map((i) => `u${i}`).join('\n') + '\n');
        const args = ['-adcin', 'yes', '-cepdir', dir, '-cepext', '.wav', '-ctl', join(dir, `ctl${k}`), '-hyp', join(dir, `hyp${k}`), '-logfn', '/dev/null'];
        return new Promise<void>((resolve, reject) =>
          spawn('pocketsphinx_batch', args, { stdio: 'ignore' })
            .on('error', reject)
            .on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pocketsphinx_batch exited with ${code}`)))),
        );
      }),
    );
    const hyps = new Map<string, string>();
    for (let k = 0; k < jobs; k++) for (const [id, text] of parseHypFile(readFileSync(join(dir, `hyp${k}`), 'utf8'))) hyps.set(id, text);
    return utts.map((_, i) => hyps.get(`u${i}`) ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function live(count: number, dir: string, jobs: number): Promise<string[]> {
  const out: string[] = new Array(count).fill('');
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      const args = ['-infile', join(dir, `u${i}.wav`), '-logfn', '/dev/null'];
      out[i] = await new Promise<string>((resolve, reject) => {
        let text = '';
        const child = spawn('pocketsphinx_continuous', args, { stdio: ['ignore', 'pipe', 'ignore'] });
        child.stdout.on('data', (b: Buffer) => (text += b.toString()));
        child.on('error', reject).on('exit', (code) => (code === 0 ? resolve(text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')) : reject(new Error(`pocketsphinx_continuous exited with ${code}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: jobs }, lane));
  return out;
}

/** Parses pocketsphinx's hypothesis file: `words (uttid score)` per line. */
export function parseHypFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(.*?) ?\((\S+) -?\d+\)\s*$/.exec(line);
    if (m) out.set(m[2], m[1].trim());
  }
  return out;
}
