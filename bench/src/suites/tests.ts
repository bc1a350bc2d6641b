/**
 * The test command: the wall time of `bash scripts/test.sh` (the README's test command, what CI
 * runs), against its budget, and the ten slowest test files from jest's own report, so the file
 * to make faster is named. No peer: the budget is the comparison.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@pipelines/testkit';
import { timeCommand } from '../measure';
import type { Row, Section } from '../report';
import { formatMs } from '../stats';

/** The test command's budget on this machine (CI stops a run at 30 minutes). */
export const TEST_COMMAND_BUDGET_MS = 15 * 60_000;

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { name: string; startTime: number; endTime: number }[];
}

export interface FileTime {
  file: string;
  ms: number;
}

/** The slowest test files of a jest --json report, slowest first, paths relative to `root`. */
export function slowestFiles(report: JestReport, root: string, count = 10): FileTime[] {
  return report.testResults
    .map((r) => ({ file: path.relative(root, r.name), ms: r.endTime - r.startTime }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

/**
 * The test command's row: its time against the budget, and whether it passed at all. A run that
 * failed (a test, or a step before the tests: format, lint, types, bundles) is never "met",
 * whatever its time; the steps it names as failed are shown.
 */
export function testCommandTarget(ms: number, exitCode: number, stdout: string): string {
  if (exitCode !== 0) {
    const steps = /^failed steps: (.+)$/m.exec(stdout)?.[1];
    return `**failed** (exit ${exitCode}${steps ? `; failed steps: ${steps}` : ''})`;
  }
  return ms <= TEST_COMMAND_BUDGET_MS ? 'met' : '**missed**';
}

export async function testsSuite({ quick }: { quick: boolean }): Promise<Section> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-tests-'));
  const results = path.join(dir, 'jest.json');
  try {
    // --quick (the smoke test, itself inside the test suite) runs one small file through the same
    // path instead of the whole suite.
    const run = quick
      ? await timeCommand(
          path.join(repoRoot, '.tools/bin/node24'),
          [
            'node_modules/jest/bin/jest.js',
            '--ci',
            '--json',
            `--outputFile=${results}`,
            'bench/src/stats.test.ts',
          ],
          process.env,
          repoRoot,
        )
      : await timeCommand('bash', ['scripts/test.sh'], process.env, repoRoot);
    const reportFile = quick ? results : path.join(repoRoot, 'test-artifacts/jest-results.json');
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as JestReport;
    const whole = quick ? 'whole test command (--quick: one file)' : 'bash scripts/test.sh';
    const rows: Row[] = [
      {
        case: whole,
        ours: `${formatMs(run.ms)} (${report.numPassedTests} passed, ${report.numFailedTests} failed)`,
        peer: `budget ${formatMs(TEST_COMMAND_BUDGET_MS)}`,
        ratio: (run.ms / TEST_COMMAND_BUDGET_MS).toFixed(2),
        target: quick ? '(informational)' : testCommandTarget(run.ms, run.exitCode, run.stdout),
      },
      ...slowestFiles(report, repoRoot).map((f) => ({
        case: `\`${f.file}\``,
        ours: formatMs(f.ms),
        peer: '-',
        ratio: (f.ms / run.ms).toFixed(2),
        target: '(informational)',
      })),
    ];
    return {
      title: 'Test command: bash scripts/test.sh, and the ten slowest test files',
      ours: 'wall time',
      peer: 'budget',
      rows,
      notes: [
        "One run on an installed machine (the bootstrap finds everything in place). A file's time is jest's, from its start to its end; jest runs two files at once, so the files' times add up to more than the whole.",
        'The ratio of a file is its share of the whole command.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
