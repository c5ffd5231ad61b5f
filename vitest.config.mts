import { defineConfig } from 'vitest/config';

// Unit tests live beside the code (src/**/*.test.ts) or under tests/unit; integration tests under
// tests/integration talk to the real Redis, MariaDB and Azurite (tests/support/services.ts).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration suites share real servers; keep files from racing on the same keys and tables.
    fileParallelism: false,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
