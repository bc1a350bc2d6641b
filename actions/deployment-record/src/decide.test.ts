import {
  buildPayload,
  commitOfPackage,
  describe as describeText,
  finalState,
  guardVerdict,
  newerRuns,
  runOfRecord,
  runUrl,
  toInactivate,
  type DeployFacts,
  type ListedDeployment,
} from './decide';

const SHA = 'c'.repeat(40);
const bot = 'github-actions[bot]';
const runLink = (run: number) => `https://github.com/example/pipelines/actions/runs/${run}/job/9`;
const ours = (id: number, run: number, state: string): ListedDeployment => ({
  id,
  environment: 'prod',
  creator: bot,
  payload: { pipelines: 1, run_id: run, run_attempt: 1, workflow: 'w.yml', commit: SHA },
  newest: { state, url: `https://github.com/example/pipelines/actions/runs/${run}/attempts/1` },
});
/** A record GitHub made itself for a job's environment (no payload): the run is in its link. */
const automatic = (id: number, run: number, state: string): ListedDeployment => ({
  id,
  environment: 'prod',
  creator: bot,
  payload: {},
  newest: { state, url: runLink(run) },
});

describe('which run made a deployment', () => {
  it('is the payload’s run_id for a record this action made', () => {
    const record = ours(3, 700, 'success');
    // The link says otherwise on purpose: the payload wins.
    expect(runOfRecord({ ...record, newest: { state: 'success', url: runLink(1) } })).toBe(700);
  });

  it('is the run its newest status links for an older, automatic record', () => {
    expect(runOfRecord(automatic(2, 480, 'inactive'))).toBe(480);
  });

  it('is the link’s, not the payload’s, when someone other than the workflow token wrote it', () => {
    const forged = { ...ours(3, 999_999, 'success'), creator: 'mallory' };
    expect(runOfRecord({ ...forged, newest: { state: 'success', url: runLink(5) } })).toBe(5);
  });

  it('is unknown without a payload or a run link', () => {
    expect(runOfRecord({ ...automatic(1, 1, 'success'), newest: undefined })).toBeUndefined();
  });
});

describe('the newer-run guard', () => {
  it('lets a run deploy when only older runs deployed, and its own deployment is in progress', () => {
    const listed = [
      ours(3, 500, 'in_progress'),
      automatic(2, 480, 'success'),
      automatic(1, 400, 'inactive'),
    ];
    expect(guardVerdict('prod', 500, listed)).toEqual({ ok: true });
  });

  it.each(['success', 'inactive', 'in_progress', 'queued'])(
    'stops an older run when a newer run’s deployment is %s',
    (state) => {
      for (const record of [ours(7, 620, state), automatic(7, 620, state)]) {
        const verdict = guardVerdict('prod', 600, [record]);
        expect(verdict.ok).toBe(false);
        expect(!verdict.ok && verdict.reasons[0]).toBe(
          `Run 620 is newer than this run and its deployment 7 of prod is ${state}. This older run stops here so that it does not replace it; to deploy this commit again, push it anew or use rollback.yml.`,
        );
      }
    },
  );

  it.each(['waiting', 'failure', 'error', 'pending'])(
    'does not count a newer run’s deployment that is %s (it did not replace anything)',
    (state) => {
      expect(guardVerdict('prod', 600, [ours(7, 620, state)])).toEqual({ ok: true });
    },
  );

  it('does not count a deployment without any status yet', () => {
    expect(newerRuns([{ ...ours(7, 620, 'x'), newest: undefined }], 600)).toEqual([]);
  });

  it('does not count a re-run of the same run (same id) as newer', () => {
    expect(guardVerdict('prod', 620, [ours(7, 620, 'success')])).toEqual({ ok: true });
  });

  it('lists every newer deployment', () => {
    expect(newerRuns([ours(9, 630, 'in_progress'), ours(8, 620, 'success')], 600)).toEqual([
      { deployment: 9, run: 630, state: 'in_progress' },
      { deployment: 8, run: 620, state: 'success' },
    ]);
  });
});

describe('the payload', () => {
  const facts: DeployFacts = {
    runId: 42,
    runAttempt: 2,
    workflow: '.github/workflows/pipeline.yml',
    commit: SHA,
    committedAt: '2026-11-30T06:00:00.000Z',
    package: {
      sha256: 'a'.repeat(64),
      size: 1234,
      bucket: 'pipelines-artifacts-upper',
      key: 'prod/katana-lambda.zip',
      versionId: 'v1',
    },
    function: { name: 'prod-KatanaLambda', alias: 'live' },
    image: { digest: `sha256:${'b'.repeat(64)}`, uri: 'r/pipelines/blog@sha256:b', size: 99 },
  };

  it('says exactly what was deployed, under the names its readers rely on', () => {
    expect(buildPayload(facts)).toEqual({
      pipelines: 1,
      run_id: 42,
      run_attempt: 2,
      workflow: '.github/workflows/pipeline.yml',
      commit: SHA,
      committed_at: '2026-11-30T06:00:00.000Z',
      package: {
        sha256: 'a'.repeat(64),
        size: 1234,
        s3_uri: 's3://pipelines-artifacts-upper/prod/katana-lambda.zip',
        version_id: 'v1',
      },
      function: { name: 'prod-KatanaLambda', alias: 'live' },
      image: { digest: `sha256:${'b'.repeat(64)}`, uri: 'r/pipelines/blog@sha256:b', size: 99 },
    });
  });

  it('leaves out what the job does not know, never inventing it', () => {
    const payload = buildPayload({
      ...facts,
      committedAt: undefined,
      package: { sha256: 'a'.repeat(64), bucket: 'b' },
      function: { name: 'mint-KatanaLambda', alias: '' },
      image: {},
    });
    expect(payload).toEqual({
      pipelines: 1,
      run_id: 42,
      run_attempt: 2,
      workflow: '.github/workflows/pipeline.yml',
      commit: SHA,
      package: { sha256: 'a'.repeat(64) },
      function: { name: 'mint-KatanaLambda' },
    });
  });
});

describe('which older deployments the new one replaces', () => {
  it('is every older deployment whose newest status is success, production ones too', () => {
    const listed = [
      ours(12, 700, 'in_progress'),
      ours(11, 690, 'success'),
      { ...ours(10, 680, 'success'), payload: {} },
      ours(9, 670, 'failure'),
      ours(8, 660, 'inactive'),
    ];
    expect(toInactivate(listed, 12)).toEqual([11, 10]);
  });

  it('is never the new one itself, nor a later one', () => {
    expect(toInactivate([ours(13, 710, 'success'), ours(12, 700, 'success')], 12)).toEqual([]);
  });
});

describe('the commit of a package deployed again (a rollback)', () => {
  const withPackage = (id: number, commit: string, sha256: string): ListedDeployment => ({
    ...ours(id, 600 + id, 'inactive'),
    payload: {
      pipelines: 1,
      run_id: 600 + id,
      run_attempt: 1,
      workflow: '.github/workflows/pipeline.yml',
      commit,
      committed_at: '2026-11-01T00:00:00.000Z',
      package: { sha256 },
    },
  });

  it('is the commit of the newest trusted record that deployed that package', () => {
    const listed = [
      withPackage(3, 'e'.repeat(40), 'f'.repeat(64)),
      withPackage(2, 'd'.repeat(40), 'a'.repeat(64)),
      withPackage(1, 'c'.repeat(40), 'a'.repeat(64)),
    ];
    expect(commitOfPackage(listed, 'a'.repeat(64))).toEqual({
      commit: 'd'.repeat(40),
      committedAt: '2026-11-01T00:00:00.000Z',
    });
  });

  it('is unknown when no trusted record deployed it', () => {
    const forged = { ...withPackage(2, 'd'.repeat(40), 'a'.repeat(64)), creator: 'mallory' };
    expect(commitOfPackage([forged], 'a'.repeat(64))).toBeUndefined();
  });
});

describe('the final state', () => {
  it.each([
    ['success', 'success'],
    ['failure', 'failure'],
    ['cancelled', 'error'],
  ])('job status %s records %s', (job, state) => {
    expect(finalState(job)).toBe(state);
  });
});

describe('links and descriptions', () => {
  it('links the run attempt', () => {
    expect(runUrl('https://github.com/', 'example/pipelines', 42, 2)).toBe(
      'https://github.com/example/pipelines/actions/runs/42/attempts/2',
    );
  });

  it('keeps a description within GitHub’s 140 characters', () => {
    expect(describeText('x'.repeat(200))).toHaveLength(140);
    expect(describeText('short')).toBe('short');
  });
});
