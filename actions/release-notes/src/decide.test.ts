import { parsePayload, runningRecord } from './decide';

describe('parsePayload', () => {
  it('reads every field of the contract', () => {
    expect(
      parsePayload({
        pipelines: 1,
        run_id: 41,
        run_attempt: 1,
        workflow: 'pipeline',
        commit: 'a'.repeat(40),
        committed_at: '2026-11-29T09:00:00Z',
        package: { sha256: 'c'.repeat(64), size: 10, s3_uri: 's3://b/k', version_id: 'v1' },
        function: { name: 'prod-KatanaLambda', alias: 'live' },
        image: { digest: 'sha256:d', uri: 'r/i@sha256:d', size: 20 },
      }),
    ).toEqual({
      runId: '41',
      runAttempt: '1',
      workflow: 'pipeline',
      commit: 'a'.repeat(40),
      committedAt: '2026-11-29T09:00:00Z',
      package: { sha256: 'c'.repeat(64), size: 10, s3Uri: 's3://b/k', versionId: 'v1' },
      function: { name: 'prod-KatanaLambda', alias: 'live' },
      image: { digest: 'sha256:d', uri: 'r/i@sha256:d', size: 20 },
    });
  });

  it('leaves out fields that are missing or of the wrong type, never guessing', () => {
    expect(parsePayload({ pipelines: 1, package: { size: '10', sha256: '' }, image: 'x' })).toEqual(
      {
        package: {},
        function: {},
        image: {},
      },
    );
  });
});

describe('runningRecord', () => {
  const deployment = {
    id: 3,
    sha: 'b'.repeat(40),
    created_at: '2026-11-29T10:00:00Z',
    creator: { login: 'github-actions[bot]' },
  };

  it("names the payload's commit", () => {
    expect(
      runningRecord({ ...deployment, payload: { pipelines: 1, commit: 'a'.repeat(40) } }).commit,
    ).toBe('a'.repeat(40));
  });

  it("falls back to the deployment's own sha when the payload has no commit", () => {
    expect(runningRecord({ ...deployment, payload: { pipelines: 1 } }).commit).toBe('b'.repeat(40));
  });
});
