import { defineConfig } from 'vitest/config';

// Unit tests are pure and fast (30 s is already generous); integration and e2e tests run real dbt,
// a real PostgreSQL server and act, so they get long timeouts. Few workers: a dbt process is
// CPU-heavy and CI has 2 cores.
const shared = { pool: 'forks' as const, hookTimeout: 300_000 };
export default defineConfig({
  test: {
    maxWorkers: 2,
    reporters: [
      'default',
      ['json', { outputFile: 'test-results/vitest.json' }],
      ['junit', { outputFile: 'test-results/junit.xml' }],
    ],
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
        },
      },
    ],
  },
});
