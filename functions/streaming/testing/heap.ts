/** The main isolate's heap after full collections, for tests that bound what a flood leaves behind. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

export async function heapUsedMb(): Promise<number> {
  await collectGarbage();
  return process.memoryUsage().heapUsed / 1e6;
}
