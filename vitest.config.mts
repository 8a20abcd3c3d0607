import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every temporary folder of the run — DuckDB's spill folders, the harnesses' logs and tables, the
// data of each npm start the tests run — goes under one folder, removed when the run ends: test
// workers that vitest stops, and processes the tests kill, never reach their own clean-up.
const runTemporaryFolder = mkdtempSync(join(tmpdir(), 'sway-test-run-'));
process.env.TMPDIR = runTemporaryFolder;
process.once('exit', () => rmSync(runTemporaryFolder, { recursive: true, force: true }));

// Lambda runs Node 22; the SDK's notice about the Node 20 used here would only clutter test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Handlers under test log and emit metrics as in Lambda; keep the test output for the tests.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
// With no traces, the X-Ray SDK's automatic mode would only track every promise through an async hook.
process.env.AWS_XRAY_MANUAL_MODE ??= 'true';

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // The codebase's own rules: the layers of npm run lint fail where they should.
          name: 'codebase',
          include: ['tests/codebase/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/dynamodb-local-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'reliability',
          include: ['tests/reliability/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/dynamodb-local-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          // Each file loads the machine on its own (replays, fuzzing, restarts of npm start).
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          // npm start -- --demo loads its world before the first test.
          hookTimeout: 330_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
