import { defineConfig } from 'vitest/config';

/** Browser tests: real headless Chromium against a real cvdesk server. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
