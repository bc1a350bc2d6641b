import { recordPayload, trustedRecord } from './records';

const bot = { login: 'github-actions[bot]' };

/** A payload as actions/deployment-record writes it. */
const OURS = {
  pipelines: 1,
  run_id: 7,
  run_attempt: 1,
  workflow: '.github/workflows/pipeline.yml',
  commit: 'c'.repeat(40),
};

describe('which deployment records count', () => {
  it.each<[string, { creator: { login: string } | null; payload: unknown }, boolean]>([
    ["the pipeline's own record", { creator: bot, payload: OURS }, true],
    ['the same payload as a JSON string', { creator: bot, payload: JSON.stringify(OURS) }, true],
    ['one made by a person', { creator: { login: 'alice' }, payload: OURS }, false],
    ['one without the pipelines mark', { creator: bot, payload: { run_id: 7 } }, false],
    ['one of a later payload version', { creator: bot, payload: { pipelines: 2 } }, false],
    ['one with a payload that is no JSON object', { creator: bot, payload: 'deploy' }, false],
    ['one whose creator is gone', { creator: null, payload: OURS }, false],
  ])('%s: %p', (_, deployment, trusted) => {
    expect(trustedRecord(deployment)).toBe(trusted);
  });
});

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
