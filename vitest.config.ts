import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Each file gets its own process: tfjs backends and the wasm heap are global state.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
