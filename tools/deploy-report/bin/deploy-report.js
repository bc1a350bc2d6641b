#!/usr/bin/env node
require('../../../scripts/register-ts.js');
require('../src/cli.ts')
  .main(process.argv.slice(2), process.env)
  .then((code) => process.exit(code));
