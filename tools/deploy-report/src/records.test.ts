import { recordPayload } from './records';

describe('the payload fields the report reads', () => {
  it('takes every field of the contract', () => {
    expect(
      recordPayload({
        pipelines: 1,
        run_id: 123,
        run_attempt: '2',
        workflow: 'pipeline',
        commit: 'a'.repeat(40),
        committed_at: '2026-11-24T13:50:00Z',
        package: { sha256: 'x' },
      }),
    ).toEqual({
      runId: 123,
      runAttempt: 2,
      workflow: 'pipeline',
      commit: 'a'.repeat(40),
      committedAt: '2026-11-24T13:50:00Z',
    });
  });

  it('drops what is missing or malformed instead of guessing', () => {
    expect(
      recordPayload({ pipelines: 1, run_id: -1, run_attempt: 'x', committed_at: 'yesterday' }),
    ).toEqual({
      runId: undefined,
      runAttempt: undefined,
      workflow: undefined,
      commit: undefined,
      committedAt: undefined,
    });
  });
});
