#!/usr/bin/env node
// Runs the TypeScript client through tsx, so `npx sway` works from the repository without a build.
require('tsx/cjs/api').register();
const { runCli } = require('../cli/main.ts');

runCli(process.argv.slice(2)).then((exitCode) => {
  process.exitCode = exitCode;
});
