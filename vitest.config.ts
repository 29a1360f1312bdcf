import { defineConfig } from 'vitest/config';

// Unit tests are pure and fast; integration tests run real dbt and a real PostgreSQL server, so
// they get long timeouts and few workers (a dbt process is CPU-heavy; CI has 2 cores).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }], ['junit', { outputFile: 'test-results/junit.xml' }]],
  },
});
