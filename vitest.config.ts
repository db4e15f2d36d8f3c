import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Unicorn instances are native and single-threaded per instance; forks keep
    // each test file in its own process so a crash in one cannot take others down.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
