import { defineConfig } from 'vitest/config';

/**
 * Three projects: pure unit tests, CDK infrastructure tests, and integration tests (adapters and end to end)
 * that share one local cloud started by the global setup.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/adapters/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/local-cloud-setup.ts'],
          // One shared cloud with injectable faults: files run one at a time so a fault hits only its own test.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
