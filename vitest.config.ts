import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests start real nats-server processes on free ports; two cores, so keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
