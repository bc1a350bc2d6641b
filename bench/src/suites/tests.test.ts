import { slowestFiles } from './tests';

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
