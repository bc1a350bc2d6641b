import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScript } from './scripts';

describe('test-counts.sh', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'test-counts-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const counts = (format: string, report: unknown) => {
    const file = path.join(dir, 'report.json');
    if (report !== undefined) writeFileSync(file, JSON.stringify(report));
    return runScript('test-counts.sh', { FORMAT: format, RESULTS: file });
  };

  it("reads jest's --json report", () => {
    const run = counts('jest', {
      numPassedTests: 40,
      numFailedTests: 1,
      numPendingTests: 2,
      numTodoTests: 1,
      numTotalTests: 44,
    });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ counts: '{"passed":40,"failed":1,"skipped":3}' });
  });

  it("reads mocha-counts-reporter.cjs's report", () => {
    const run = counts('mocha', { passes: 4, failures: 0, pending: 1, tests: 5 });
    expect(run.outputs).toEqual({ counts: '{"passed":4,"failed":0,"skipped":1}' });
  });

  it.each([
    ['a missing report', undefined],
    ['a report of another runner', { stats: { passes: 4 } }],
  ])('writes no counts, and does not fail, for %s', (_case, report) => {
    const run = counts('jest', report);
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({});
    expect(run.log).toContain('::warning::No jest counts');
  });
});
