/**
 * The root suite runs the mocha suite too: `pnpm run test:mocha` as a subprocess (the same command
 * as the workflow's test-mocha job), with mocha's JSON reporter so its result can be asserted.
 */
import { execFileSync } from 'node:child_process';
import { repoRoot, toolPath } from '@pipelines/testkit';

interface MochaReport {
  stats: { tests: number; passes: number; failures: number; pending: number };
  failures: { fullTitle: string; err: { message: string } }[];
}

test('the mocha suite runs and every mocha test passes', () => {
  const output = execFileSync(
    toolPath('pnpm'),
    ['--silent', '--filter', '@pipelines/katana-lambda', 'run', 'test:mocha', '--reporter', 'json'],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  const report = JSON.parse(output) as MochaReport;
  expect(report.failures.map((f) => `${f.fullTitle}: ${f.err.message}`)).toEqual([]);
  expect(report.stats.tests).toBeGreaterThan(0);
  expect(report.stats.pending).toBe(0);
  expect(report.stats.passes).toBe(report.stats.tests);
});
