/**
 * The start command as a process: `tsx runtime/main.ts` (what `npm start` runs) prints where it
 * listens, serves health, and on SIGTERM drains and exits 0; bad configuration exits 2 with the reason.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

it('npm start: prints where it listens, serves health, drains and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DRAIN_GRACE_MS: '1000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /^Earshot .* listening on .*$/m.exec(out);
      if (match) resolve(match[0]);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  expect(line).toMatch(/^Earshot \(embedded: every role in one process\) listening on ws:\/\/127\.0\.0\.1:\d+\/v3\/ws/);
  const port = /:(\d+)\/v3\/ws/.exec(line)![1];
  expect((await fetch(`http://127.0.0.1:${port}/v3/ws/health`)).status).toBe(200);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});

it('bad configuration: exit 2 with every problem listed', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'runtime/main.ts', '--role', 'chef'], { cwd: ROOT, env: { ...process.env, PORT: 'x' }, encoding: 'utf8' });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/EARSHOT_ROLE/);
  expect(result.stderr).toMatch(/PORT/);
});
