import { defineConfig } from 'vitest/config';

/**
 * The unit tests alone: pure code, no I/O. `npm run test:unit` is the fast loop while changing code,
 * and mutation testing (stryker.config.mjs) runs the same set. The slow statistical bounds
 * (drift, properties, incremental and columnar invariance) are left out; `npm test` runs them.
 */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    exclude: [
      'tests/unit/scoring/drift.test.ts',
      'tests/unit/scoring/properties.test.ts',
      'tests/unit/scoring/incremental.test.ts',
      'tests/unit/scoring/columnar-invariance.test.ts',
    ],
    environment: 'node',
    // Instrumented code runs several times slower than the code itself.
    testTimeout: 60_000,
  },
});
