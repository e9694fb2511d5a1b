/**
 * A Python virtual environment with the real clients' packages (the official `assemblyai` SDK and
 * `websockets`, latest), for tests that run them against Earshot. Created once under .tmp/ and
 * reused while it still imports both; never touches the system Python. Without a package index
 * the tests skip with one line saying so; under CI=true that is an error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PYTHON_VENV = process.env.EARSHOT_PYTHON_VENV ?? join(REPO_ROOT, '.tmp', 'python-clients-venv');
const PACKAGES = ['assemblyai', 'websockets'];

export interface PythonClients {
  python: string;
  versions: Record<string, string>;
}

function versionsIn(python: string): Record<string, string> | null {
  const probe = spawnSync(python, ['-c', 'import json, importlib.metadata as m; import assemblyai, websockets; print(json.dumps({p: m.version(p) for p in ("assemblyai", "websockets")}))'], { encoding: 'utf8' });
  return probe.status === 0 ? JSON.parse(probe.stdout) : null;
}

/** The venv's python with both packages importable, or null (after one notice line) when pip cannot install them. */
export function pythonClients(env: NodeJS.ProcessEnv = process.env): PythonClients | null {
  const python = join(PYTHON_VENV, 'bin', 'python');
  let versions = existsSync(python) ? versionsIn(python) : null;
  let why = '';
  if (!versions) {
    const base = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-m', 'venv', '--help'], { stdio: 'ignore' }).status === 0);
    if (!base) why = 'no python3 with the venv module';
    else {
      const venv = spawnSync(base, ['-m', 'venv', '--clear', PYTHON_VENV], { encoding: 'utf8' });
      const pip = venv.status === 0 ? spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--upgrade', ...PACKAGES], { encoding: 'utf8', timeout: 300_000 }) : venv;
      versions = pip.status === 0 ? versionsIn(python) : null;
      if (!versions) why = `pip install ${PACKAGES.join(' ')} failed: ${(pip.stderr || pip.error?.message || '').trim().split('\n').at(-1)}`;
    }
  }
  if (versions) return { python, versions };
  if (env.CI === 'true' || env.CI === '1') throw new Error(`the Python client tests need ${PACKAGES.join(' and ')} in ${PYTHON_VENV}: ${why}; CI=true makes this an error`);
  console.warn(`skipped: the Python client tests (official SDK, seed-style websockets script): ${why}`);
  return null;
}
