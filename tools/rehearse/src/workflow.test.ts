import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@pipelines/testkit';
import { parse } from 'yaml';
import {
  heldJobs,
  needsInternet,
  remoteUses,
  mayRequestIdToken,
  workflowForAct,
  workflowForResume,
  workflowJobs,
  type RanJob,
} from './workflow';

const workflow = `
on: push
jobs:
  resolve: { runs-on: ubuntu-latest, steps: [{ uses: 'actions/checkout@1af3b93b6815bc44a9784bd300feb67ff0d1eeb3' }] }
  upload:
    needs: resolve
    environment: { name: mint, deployment: false }
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@a03048d87541d1d9fcf2ecf528a4a65ba9bd7838 # v5.0.0
      - uses: ./actions/s3-upload
  deploy:
    needs: [resolve, upload]
    environment: mint
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
  deploy-with-approval:
    needs: [resolve, upload]
    environment: { name: prod, url: 'https://example' }
    runs-on: ubuntu-latest
    steps: [{ uses: 'actions/upload-artifact/merge@v5' }]
  summary:
    needs: [deploy, deploy-with-approval]
    if: always()
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
`;

describe('the workflow as the rehearsal reads it', () => {
  it('lists jobs with their needs and declared environment', () => {
    expect(workflowJobs(workflow).map((j) => [j.id, j.needs, j.environment])).toEqual([
      ['resolve', [], undefined],
      ['upload', ['resolve'], 'mint'],
      ['deploy', ['resolve', 'upload'], 'mint'],
      ['deploy-with-approval', ['resolve', 'upload'], 'prod'],
      ['summary', ['deploy', 'deploy-with-approval'], undefined],
    ]);
  });

  it('holds the job in the approval environment and every job that needs it', () => {
    expect(heldJobs(workflowJobs(workflow), ['prod'])).toEqual(['deploy-with-approval', 'summary']);
    expect(heldJobs(workflowJobs(workflow), [])).toEqual([]);
  });

  it("holds pipeline.yml's deploy-with-approval, which declares the environment resolve decided", () => {
    const pipeline = readFileSync(
      path.join(repoRoot, '.github', 'workflows', 'pipeline.yml'),
      'utf8',
    );
    expect(heldJobs(workflowJobs(pipeline), ['prod'])).toEqual(['deploy-with-approval', 'summary']);
  });

  it('gives act the same workflow without the held jobs and without environment.deployment', () => {
    const forAct = parse(workflowForAct(workflow, ['deploy-with-approval', 'summary']));
    expect(Object.keys(forAct.jobs)).toEqual(['resolve', 'upload', 'deploy']);
    expect(forAct.jobs.upload.environment).toEqual({ name: 'mint' });
    expect(forAct.jobs.upload.steps[1]).toEqual({ uses: './actions/s3-upload' });
    expect(forAct.jobs.upload.steps[0].env).toEqual({
      REHEARSAL_JOB_ENVIRONMENT: 'mint',
      REHEARSAL_ID_TOKEN: 'none',
    });
  });

  it.each<[string, string, string | undefined]>([
    ['environment as a string', 'environment: mint', 'mint'],
    [
      'environment as an object',
      'environment: { name: prod-candidate, deployment: false }',
      'prod-candidate',
    ],
    [
      'environment as an expression (kept as is: act evaluates it)',
      "environment: { name: \"${{ needs.resolve.outputs.approval == 'true' && 'prod-candidate' || 'mint' }}\" }",
      "${{ needs.resolve.outputs.approval == 'true' && 'prod-candidate' || 'mint' }}",
    ],
    ['no environment', '', undefined],
  ])(
    'gives each configure-aws-credentials step the job environment (%s), and no other step',
    (_name, declaration, expected) => {
      const text = `
on: push
jobs:
  upload:
    runs-on: ubuntu-latest
    ${declaration}
    steps:
      - uses: aws-actions/configure-aws-credentials@a03048d87541d1d9fcf2ecf528a4a65ba9bd7838
        with: { aws-region: us-east-1 }
      - uses: ./actions/s3-upload
`;
      const steps = parse(workflowForAct(text, [])).jobs.upload.steps;
      expect(steps[0].env?.REHEARSAL_JOB_ENVIRONMENT).toBe(expected);
      expect(steps[0].env?.REHEARSAL_ID_TOKEN).toBe('none');
      expect(steps[0].with).toEqual({ 'aws-region': 'us-east-1' });
      expect(steps[1]).toEqual({ uses: './actions/s3-upload' });
    },
  );

  it.each<[string, unknown, unknown, boolean]>([
    ['no permissions anywhere (id-token is none by default)', undefined, undefined, false],
    ['the job grants id-token: write', {}, { 'id-token': 'write', contents: 'read' }, true],
    ['only the workflow grants it', { 'id-token': 'write' }, undefined, true],
    [
      "the job's permissions replace the workflow's",
      { 'id-token': 'write' },
      { contents: 'read' },
      false,
    ],
    ['write-all', undefined, 'write-all', true],
    ['read-all', 'read-all', undefined, false],
    ['id-token: read is not enough', {}, { 'id-token': 'read' }, false],
  ])('may request an OIDC token: %s', (_name, workflowPermissions, jobPermissions, expected) => {
    expect(mayRequestIdToken(workflowPermissions, jobPermissions)).toBe(expected);
  });

  it('finds every third-party action with its pinned ref (what --local-repository maps)', () => {
    expect(remoteUses(workflow).map((u) => `${u.repository}@${u.ref}`)).toEqual([
      'actions/checkout@1af3b93b6815bc44a9784bd300feb67ff0d1eeb3',
      'aws-actions/configure-aws-credentials@a03048d87541d1d9fcf2ecf528a4a65ba9bd7838',
      'actions/upload-artifact@v5',
    ]);
  });
});

describe('the workflow that resumes a held run after approval', () => {
  const resumable = `
on: push
jobs:
  upload:
    environment: { name: prod-candidate, deployment: false }
    runs-on: ubuntu-latest
    outputs:
      version-id: \${{ steps.upload.outputs.version-id }}
    steps: [{ id: upload, uses: ./actions/s3-upload }]
  deploy:
    needs: upload
    if: \${{ false }}
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
  deploy-with-approval:
    needs: [upload, deploy]
    environment: prod
    runs-on: ubuntu-latest
    steps: [{ run: 'echo \${{ needs.upload.outputs.version-id }}' }]
`;
  const ran = new Map<string, RanJob>([
    ['upload', { state: 'success', stepOutputs: new Map([['upload', { 'version-id': 'v1' }]]) }],
    ['deploy', { state: 'skipped', stepOutputs: new Map() }],
  ]);

  it('keeps the held jobs as they are and replays the others with the outputs they had', () => {
    const jobs = (
      parse(workflowForResume(resumable, ['deploy-with-approval'], ran)) as {
        jobs: Record<string, Record<string, unknown>>;
      }
    ).jobs;
    expect(jobs['deploy-with-approval']).toEqual(
      (parse(resumable) as { jobs: Record<string, unknown> }).jobs['deploy-with-approval'],
    );
    expect(jobs.upload?.outputs).toEqual({ 'version-id': 'v1' });
    expect(JSON.stringify(jobs.upload?.steps)).not.toContain('s3-upload');
    expect(jobs.upload?.environment).toBeUndefined();
    expect(jobs.deploy?.if).toBe(false);
  });

  it('refuses a job output it cannot replay', () => {
    const computed = resumable.replace(
      '${{ steps.upload.outputs.version-id }}',
      "${{ format('{0}', steps.upload.outputs.version-id) }}",
    );
    expect(() => workflowForResume(computed, ['deploy-with-approval'], ran)).toThrow(
      /upload output version-id .* cannot be replayed/,
    );
  });

  it('refuses to resume when a job failed before the hold', () => {
    const failed = new Map(ran).set('upload', { state: 'failure', stepOutputs: new Map() });
    expect(() => workflowForResume(resumable, ['deploy-with-approval'], failed)).toThrow(
      /upload ended with failure/,
    );
  });
});

describe('steps that need an internet service', () => {
  it('become a warning naming the command in the workflow act runs; other steps stay', () => {
    const text = `
on: push
jobs:
  audit:
    runs-on: ubuntu-latest
    steps:
      - { name: audit, if: "env.SNYK_TOKEN == ''", run: pnpm audit --prod }
      - { run: pnpm install --frozen-lockfile }
`;
    const steps = (
      parse(workflowForAct(text, [])) as {
        jobs: { audit: { steps: { run: string; if?: string; env?: Record<string, string> }[] } };
      }
    ).jobs.audit.steps;
    expect(steps[0]?.run).toBe('echo "::warning::$NOT_REHEARSED"');
    expect(steps[0]?.env?.NOT_REHEARSED).toContain('"pnpm audit --prod" needs');
    expect(steps[0]?.if).toBe("env.SNYK_TOKEN == ''");
    expect(steps[1]?.run).toBe('pnpm install --frozen-lockfile');
  });

  it('covers the audit step that runs Snyk or pnpm audit', () => {
    const audit =
      'if [[ -n "$SNYK_TOKEN" ]]; then\n  pnpm dlx snyk@1 test\nelse\n  pnpm audit --prod\nfi\n';
    expect(needsInternet(audit)).toMatch(/Snyk/);
    expect(needsInternet('bash .github/scripts/same-sha256.sh')).toBeUndefined();
  });
});

describe('the server rollout step', () => {
  const text = `
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - name: Roll out
        if: needs.resolve.outputs.servers == 'true'
        uses: ./actions/server-rollout
        with: { environment: mint }
      - { run: 'true' }
`;
  type Steps = {
    uses?: string;
    run?: string;
    if?: string;
    with?: unknown;
    env?: Record<string, string>;
  }[];
  const steps = (options?: { rollout: boolean }) =>
    (parse(workflowForAct(text, [], options)) as { jobs: { deploy: { steps: Steps } } }).jobs.deploy
      .steps;

  it('runs as written when the servers are rehearsed', () => {
    expect(steps({ rollout: true })[0]).toMatchObject({ uses: './actions/server-rollout' });
    expect(steps()[0]).toMatchObject({ uses: './actions/server-rollout' });
  });

  it('becomes a warning in the held jobs resumed after approval too, when there are no test hosts', () => {
    const held = text.replace('  deploy:', '  deploy-with-approval:');
    const resumed = (rollout: boolean) =>
      (
        parse(workflowForResume(held, ['deploy-with-approval'], new Map(), { rollout })) as {
          jobs: { 'deploy-with-approval': { steps: Steps } };
        }
      ).jobs['deploy-with-approval'].steps[0];
    expect(resumed(false)?.run).toBe('echo "::warning::$NOT_REHEARSED"');
    expect(resumed(true)?.uses).toBe('./actions/server-rollout');
  });

  it('becomes a warning that says the rollout was not rehearsed when there are no test hosts', () => {
    const [rollout, next] = steps({ rollout: false });
    expect(rollout?.uses).toBeUndefined();
    expect(rollout?.with).toBeUndefined();
    expect(rollout?.run).toBe('echo "::warning::$NOT_REHEARSED"');
    expect(rollout?.env?.NOT_REHEARSED).toMatch(/^Not rehearsed: the server rollout/);
    expect(rollout?.if).toBe("needs.resolve.outputs.servers == 'true'");
    expect(next?.run).toBe('true');
  });
});

describe('the dependency cache', () => {
  it('is off in the workflow act runs (one warm pnpm store on this machine)', () => {
    const text = `
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/setup
        with: { cache-key-prefix: lower, filter: pipelines }
      - uses: ./actions/s3-upload
        with: { file: a.zip }
`;
    const steps = (
      parse(workflowForAct(text, [])) as {
        jobs: { test: { steps: { with: Record<string, string> }[] } };
      }
    ).jobs.test.steps;
    expect(steps[0]?.with).toEqual({
      'cache-key-prefix': 'lower',
      filter: 'pipelines',
      'cache-backend': 'none',
    });
    expect(steps[1]?.with).toEqual({ file: 'a.zip' });
  });

  it('skips only the whole-workspace install, whose purpose is the store saved', () => {
    const text = `
on: push
jobs:
  fill:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/setup
        with: { cache-key-prefix: lower }
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/setup
        with: { cache-key-prefix: lower, filter: '@pipelines/katana-lambda...' }
`;
    const jobs = (
      parse(workflowForAct(text, [])) as {
        jobs: Record<string, { steps: { with: Record<string, string> }[] }>;
      }
    ).jobs;
    expect(jobs.fill?.steps[0]?.with.install).toBe('false');
    expect(jobs.test?.steps[0]?.with.install).toBeUndefined();
  });
});

describe('the real pipeline as act runs it', () => {
  const text = readFileSync(path.join(repoRoot, '.github', 'workflows', 'pipeline.yml'), 'utf8');
  const jobs = (
    parse(workflowForAct(text, [])) as {
      jobs: Record<
        string,
        { steps: { uses?: string; run?: string; with?: Record<string, string> }[] }
      >;
    }
  ).jobs;
  const steps = Object.values(jobs).flatMap((job) => job.steps);

  it('installs without the dependency cache in every job', () => {
    const setups = steps.filter((s) => s.uses === './.github/actions/setup');
    expect(setups.length).toBeGreaterThan(5);
    expect(setups.every((s) => s.with?.['cache-backend'] === 'none')).toBe(true);
    expect(setups.filter((s) => s.with?.install === 'false')).toEqual([
      expect.objectContaining({ with: expect.not.objectContaining({ filter: expect.anything() }) }),
    ]);
  });

  it('keeps no step that calls Snyk', () => {
    expect(steps.some((s) => s.run?.includes('snyk'))).toBe(false);
  });

  it('keeps the deployment records: the GitHub stand-in serves the deployments API', () => {
    expect(steps.filter((s) => s.uses === './actions/deployment-record')).toHaveLength(4);
  });
});
