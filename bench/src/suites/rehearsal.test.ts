import { jobTimes, phaseRows } from './rehearsal';

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

describe('the rows of a cold and a warm run', () => {
  const run = (stdout: string, exitCode = 0) => ({ ms: 50_000, exitCode, stdout, stderr: '' });

  it('names each row with its phase: the whole run first, then its jobs, slowest first', () => {
    const output = [
      '  ✓ build                        success     2.0s',
      '  ✓ build-image                  success     3.0s',
    ].join('\n');
    expect(phaseRows('warm', run(output)).map((r) => [r.case, r.ours, r.peer])).toEqual([
      ['warm: whole rehearsal', expect.any(String), '100%'],
      ['warm: job build-image (success)', expect.any(String), '6%'],
      ['warm: job build (success)', expect.any(String), '4%'],
    ]);
  });

  it('says a run that failed was not measured, with its last lines', () => {
    const [row] = phaseRows('cold', run('a\nb\nfailed at the end', 1));
    expect(row?.case).toBe('cold: whole rehearsal');
    expect(row?.ours).toContain('not measured: the rehearsal did not pass (exit 1');
    expect(row?.target).toContain('failed at the end');
  });
});
