#!/usr/bin/env node
require('../../scripts/register-ts.js');
require('../src/main.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
