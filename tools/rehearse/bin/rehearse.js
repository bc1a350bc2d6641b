#!/usr/bin/env node
// The local rehearsal's CLI: runs src/cli.ts straight from TypeScript (scripts/register-ts.js).
require('../../../scripts/register-ts.js');
require('../src/cli.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
