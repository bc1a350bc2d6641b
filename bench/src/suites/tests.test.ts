import { slowestFiles, TEST_COMMAND_BUDGET_MS, testCommandTarget } from './tests';

describe('slowestFiles', () => {
  it('names the slowest files first, relative to the repository', () => {
    const report = {
      numPassedTests: 3,
      numFailedTests: 0,
      testResults: [
        { name: '/repo/a.test.ts', startTime: 0, endTime: 100 },
        { name: '/repo/suite/b.test.ts', startTime: 0, endTime: 900 },
        { name: '/repo/c.test.ts', startTime: 50, endTime: 450 },
      ],
    };
    expect(slowestFiles(report, '/repo', 2)).toEqual([
      { file: 'suite/b.test.ts', ms: 900 },
      { file: 'c.test.ts', ms: 400 },
    ]);
  });
});

describe('testCommandTarget', () => {
  const within = TEST_COMMAND_BUDGET_MS - 1;
  it.each([
    [within, 0, 'tests: 10 passed, 0 failed, 0 skipped\n', 'met'],
    [TEST_COMMAND_BUDGET_MS + 1, 0, '', '**missed**'],
    [
      within,
      1,
      'failed steps: dist\ntests: 10 passed, 0 failed, 0 skipped\n',
      '**failed** (exit 1; failed steps: dist)',
    ],
    [within, 1, 'bootstrap failed\n', '**failed** (exit 1)'],
  ])('a run of %d ms, exit %d, printing %j: %s', (ms, exitCode, stdout, target) => {
    expect(testCommandTarget(ms, exitCode, stdout)).toBe(target);
  });
});
