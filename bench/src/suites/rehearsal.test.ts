import { jobTimes } from './rehearsal';

describe("reading the rehearsal's job times", () => {
  it('takes every ended job with its state and seconds, and ignores the other lines', () => {
    const output = [
      'Local AWS: moto on http://127.0.0.1:40001',
      '  … resolve                      running',
      '  ✓ resolve                      success     4.2s',
      '  ! checks                       step failed: jest',
      '  ✗ checks                       failure    61.0s',
      '  – deploy-with-approval         skipped     0.0s',
    ].join('\n');
    expect(jobTimes(output)).toEqual([
      { job: 'resolve', state: 'success', seconds: 4.2 },
      { job: 'checks', state: 'failure', seconds: 61 },
      { job: 'deploy-with-approval', state: 'skipped', seconds: 0 },
    ]);
  });
});
