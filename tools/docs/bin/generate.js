#!/usr/bin/env node
require('../../../scripts/register-ts.js');
require('../src/cli.ts');
