import { ActLog, progressLine } from './actLog';

// Lines as act 0.2.89 prints them with --json (trimmed to the fields it always sets).
const line = (fields: Record<string, unknown>) =>
  JSON.stringify({
    dryrun: false,
    level: 'info',
    matrix: {},
    time: '2026-11-28T03:58:25Z',
    ...fields,
  });

describe('ActLog', () => {
  it('follows a job from its first line to its result, timed by when lines arrive', () => {
    const log = new ActLog();
    const started = log.feed(
      line({ jobID: 'upload', job: 'p.yml/upload', msg: '⭐ Run Set up job' }),
      1000,
    );
    expect(started.map((e) => e.kind)).toEqual(['job-started']);
    const ended = log.feed(
      line({ jobID: 'upload', msg: '🏁  Job succeeded', jobResult: 'success' }),
      13_400,
    );
    expect(ended.map((e) => e.kind)).toEqual(['job-ended']);
    expect(log.jobs.get('upload')).toMatchObject({
      state: 'success',
      startedAt: 1000,
      endedAt: 13_400,
    });
    expect(progressLine(ended[0]!)).toMatch(/✓ upload\s+success\s+12\.4s$/);
  });

  it('fails a matrix job when any leg fails, whichever leg ends last', () => {
    const log = new ActLog();
    const leg = (service: string, jobResult: string) =>
      line({ jobID: 'images', matrix: { image: { service } }, msg: 'done', jobResult });
    log.feed(leg('blog', 'failure'), 1000);
    log.feed(leg('hello', 'success'), 2000);
    expect(log.jobs.get('images')?.state).toBe('failure');
  });

  it('collects step outputs by job and step, ignoring the inner steps of composite actions', () => {
    const log = new ActLog();
    log.feed(
      line({
        jobID: 'upload',
        command: 'set-output',
        name: 'version-id',
        arg: 'v1',
        stepID: ['upload'],
      }),
      0,
    );
    log.feed(
      line({
        jobID: 'upload',
        command: 'set-output',
        name: 'aws-account-id',
        arg: 'x',
        stepID: ['2', '0'],
      }),
      0,
    );
    log.feed(
      line({
        jobID: 'images',
        command: 'set-output',
        name: 'digest',
        arg: 'sha256:ab',
        stepID: ['push'],
      }),
      0,
    );
    expect(log.outputs.get('upload')?.get('upload')).toEqual({ 'version-id': 'v1' });
    expect(log.outputs.get('images')?.get('push')).toEqual({ digest: 'sha256:ab' });
    // An output of a nested step (a composite action's) is not the job's step's.
    expect([...(log.outputs.get('upload')?.values() ?? [])]).toEqual([{ 'version-id': 'v1' }]);
  });

  it('records failed steps and a failed job, and keeps the job output tail for the report', () => {
    const log = new ActLog();
    log.feed(line({ jobID: 'deploy', raw_output: true, msg: '::error::CodeSha256 mismatch\n' }), 0);
    const failed = log.feed(
      line({ jobID: 'deploy', step: './actions/lambda-deploy', stepResult: 'failure' }),
      1,
    );
    log.feed(line({ jobID: 'deploy', jobResult: 'failure' }), 2);
    expect(failed.map((e) => e.kind)).toEqual(['step-failed']);
    expect(log.jobs.get('deploy')).toMatchObject({
      state: 'failure',
      failedSteps: ['./actions/lambda-deploy'],
    });
    expect(log.tail('deploy')).toEqual(['::error::CodeSha256 mismatch']);
  });

  it('keeps lines that are not JSON (act errors before its log starts) apart', () => {
    const log = new ActLog();
    expect(log.feed('Error: workflow is not valid', 0)).toEqual([]);
    expect(log.plain).toEqual(['Error: workflow is not valid']);
  });

  it('marks the workflow jobs that never started as skipped', () => {
    const log = new ActLog();
    log.feed(line({ jobID: 'resolve', jobResult: 'success' }), 0);
    const skipped = log.markNotRun(['resolve', 'deploy-with-approval'], 5);
    expect(skipped.map((j) => [j.id, j.state])).toEqual([['deploy-with-approval', 'skipped']]);
  });
});
