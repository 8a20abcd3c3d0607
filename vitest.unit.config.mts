import { defineConfig } from 'vitest/config';

/**
 * The unit tests alone, for mutation testing (stryker.config.mjs): pure code, no I/O. The slow
 * statistical bounds of drift.test.ts are left out; `npm test` runs them.
 */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    exclude: ['tests/unit/scoring/drift.test.ts', 'tests/unit/scoring/properties.test.ts', 'tests/unit/scoring/incremental.test.ts', 'tests/unit/scoring/columnar-invariance.test.ts'],
    environment: 'node',
    // Instrumented code runs several times slower than the code itself.
    testTimeout: 60_000,
  },
});
