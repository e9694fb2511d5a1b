/**
 * Unpacks a model archive (tar with gzip, bzip2 or xz: sherpa-onnx ships .tar.bz2) into its
 * final folder. It goes to a temporary folder beside the target first, so a failed or partial
 * extraction never leaves a half model where the worker would load it; an archive with a single
 * top-level folder (the usual layout) has that folder become the target.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function extractArchive(archive: string, target: string): void {
  if (existsSync(target)) throw new Error(`${target} already exists; delete it to extract again`);
  mkdirSync(dirname(target), { recursive: true });
  const scratch = mkdtempSync(join(dirname(target), '.extract-'));
  try {
    // GNU tar detects the compression itself and refuses members that climb out with '..'.
    const tar = spawnSync('tar', ['-xf', archive, '-C', scratch, '--no-same-owner'], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar could not unpack ${archive}: ${(tar.stderr || tar.error?.message || '').trim()}`);
    const entries = readdirSync(scratch);
    const single = entries.length === 1 && statSync(join(scratch, entries[0])).isDirectory();
    if (single) renameSync(join(scratch, entries[0]), target);
    else renameSync(scratch, target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
