/**
 * Mutation testing of the pure domain against the unit tests: `npm run test:mutation`
 * (docs/RELIABILITY.md, "Mutation testing"). The DuckDB SQL of lib/app/aggregation is not mutated:
 * its mutants are SQL text only the integration tests run, and the in-memory aggregation it is
 * held to (tests/integration/in-memory-aggregation.test.ts) is mutated instead.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.mts', related: true },
  mutate: [
    'lib/domain/scoring/**/*.ts',
    // Generators of test worlds and the drift measure: what they compute is the test's input, not the service's output.
    '!lib/dev/evaluation/planted-world.ts',
    '!lib/dev/evaluation/seeded-random.ts',
    '!lib/dev/evaluation/synthetic-topic.ts',
    '!lib/dev/evaluation/incremental-drift.ts',
    'lib/domain/topics/**/*.ts',
    'lib/domain/interactions/**/*.ts',
    'lib/domain/networks/normalized.ts',
    'lib/domain/networks/*/normalize.ts',
    'lib/domain/networks/bluesky/at-uri.ts',
    'lib/domain/networks/bluesky/jetstream-event.ts',
  ],
  coverageAnalysis: 'perTest',
  // Module-level mutants (zod schemas, tables of constants) need the whole unit suite reloaded for
  // each: 58% of the mutants and 98% of the time. They are reported as ignored, not scored
  // (docs/RELIABILITY.md, "Mutation testing").
  ignoreStatic: true,
  concurrency: 2,
  incremental: true,
  // A mutant that loops forever is stopped this long after the 1.5× of its tests' own time: the default 5 s, paid by
  // about a tenth of the scoring mutants with a restart of the runner each, was a third of the run.
  timeoutMS: 1500,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  ignorePatterns: ['cdk.out', '.sway', 'bench/results', 'web/dist', 'tests/artifacts', 'reports', '.scratch'],
};
