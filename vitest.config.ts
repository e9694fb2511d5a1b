import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['functions/**/*.test.ts', 'runtime/**/*.test.ts', 'gpu-pool/**/*.test.ts', 'scripts/**/*.test.ts', 'infra/**/*.test.ts'],
    // Real servers, real Redis, real models: give them time, and run files one at a time on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
