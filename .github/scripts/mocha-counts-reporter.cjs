// A mocha reporter for the pipeline's test-mocha job: mocha's spec reporter (the log people read)
// plus the run's counts as JSON in the file named by `--reporter-option output=<file>`, which
// test-counts.sh turns into the job's `counts` output. Mocha itself is taken from the package
// being tested (the working directory), so the reporter and the tests use the same mocha.
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

module.exports = function SpecWithCounts(runner, options) {
  const mocha = createRequire(path.join(process.cwd(), 'package.json'))('mocha');
  new mocha.reporters.Spec(runner, options);
  const output = options.reporterOption && options.reporterOption.output;
  if (!output) throw new Error('mocha-counts-reporter.cjs needs --reporter-option output=<file>');
  runner.once('end', () => {
    const { passes, failures, pending, tests } = runner.stats;
    fs.writeFileSync(output, JSON.stringify({ passes, failures, pending, tests }));
  });
};
