import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the first match of `ready` in a child process's output (stdout and stderr
 * together), for tests and scripts that start roles as their own processes. Rejects with the
 * output's tail if the process exits first or takes longer than `timeoutMs`. `output.text` keeps
 * everything the process printed.
 */
export function readyLine(child: ChildProcess, name: string, ready: RegExp, timeoutMs = 60_000, output = { text: '' }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output.text.slice(-3000)}`)), timeoutMs);
    const collect = (chunk: Buffer) => {
      output.text += chunk.toString();
      const match = ready.exec(output.text);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited ${code}:\n${output.text.slice(-3000)}`));
    });
  });
}
