// Worker threads do not inherit the TypeScript loader of the main thread (tsx, vitest):
// this plain-JS entry registers tsx inside the worker, then loads the real worker.
import { tsImport } from 'tsx/esm/api';

await tsImport('./inference-worker.ts', import.meta.url);
