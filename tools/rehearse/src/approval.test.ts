import { ActLog } from './actLog';
import { ranBeforeHold } from './approval';

const actLine = (fields: Record<string, unknown>) => JSON.stringify({ level: 'info', ...fields });

describe('ranBeforeHold', () => {
  it('replays each job with its result and the outputs its steps set before the hold', () => {
    const before = new ActLog();
    before.feed(
      actLine({
        jobID: 'upload',
        command: 'set-output',
        name: 'version-id',
        arg: 'v1',
        stepID: ['upload'],
      }),
      0,
    );
    before.feed(actLine({ jobID: 'upload', jobResult: 'success' }), 1);
    before.markNotRun(['upload', 'deploy'], 2);
    const ran = ranBeforeHold(before);
    expect(ran.get('upload')?.state).toBe('success');
    expect(ran.get('upload')?.stepOutputs.get('upload')).toEqual({ 'version-id': 'v1' });
    expect(ran.get('deploy')).toEqual({ state: 'skipped', stepOutputs: new Map() });
  });
});
