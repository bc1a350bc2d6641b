/**
 * rollback.yml: the environment list matches environments.yml, the dispatch ref decides the
 * environment (the input only confirms it), prod is reached only through the same hold and guard
 * as the pipeline, and inputs reach shells only through environment variables. The routing runs
 * the workflow's job conditions with GitHub's expression engine and its input check for real.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { resolveOutputsFor } from './resolveOutputs';
import { route, type Route } from './routing';
import { repoRoot, workflowFiles } from './paths';
import { runScript } from './scripts';
import { workflowFromText } from './workflowModel';

const rollbackText = readFileSync(
  path.join(repoRoot, '.github', 'workflows', 'rollback.yml'),
  'utf8',
);
const rollback = workflowFromText(rollbackText);
const SHA256 = 'ab'.repeat(32);

let resolveOutputs: (ref: string) => Record<string, string>;
beforeAll(() => {
  resolveOutputs = resolveOutputsFor();
});

interface Dispatch {
  ref: string;
  environment: string;
  version?: string;
  's3-version-id'?: string;
  'expected-sha256'?: string;
}

/** Routes a dispatch; resolve fails when the ref or the input check refuses it, as on GitHub. */
function dispatch(d: Dispatch, { bypassInputCheck = false } = {}): Route & { mode?: string } {
  const inputs = { version: '', 's3-version-id': '', 'expected-sha256': SHA256, ...d };
  let outputs: Record<string, string> | undefined;
  try {
    outputs = resolveOutputs(d.ref);
  } catch {
    outputs = undefined;
  }
  const check = outputs
    ? runScript('rollback-inputs.sh', {
        GITHUB_REF: d.ref,
        CHOSEN: inputs.environment,
        RESOLVED: outputs.environment ?? '',
        DEPLOY: outputs.deploy ?? '',
        VERSION: inputs.version,
        S3_VERSION_ID: inputs['s3-version-id'],
        EXPECTED_SHA256: inputs['expected-sha256'],
      })
    : undefined;
  const passed = bypassInputCheck || check?.status === 0;
  const routed = route(rollback, {
    ref: d.ref,
    event: 'workflow_dispatch',
    inputs,
    outputsOf: (job) => (job === 'resolve' ? { ...outputs, ...check?.outputs } : {}),
    failing: outputs && passed ? [] : ['resolve'],
  });
  return { ...routed, ...(check?.outputs.mode ? { mode: check.outputs.mode } : {}) };
}

const choices = (
  parse(rollbackText) as {
    on: { workflow_dispatch: { inputs: { environment: { options: string[] } } } };
  }
).on.workflow_dispatch.inputs.environment.options;

describe('rollback.yml inputs', () => {
  test('the environment choices are the concrete environments of environments.yml', () => {
    const config = parse(readFileSync(path.join(repoRoot, 'environments.yml'), 'utf8')) as {
      environments: Record<string, unknown>;
    };
    // int-{name} is a family of environments, one per tag: no fixed name to offer.
    const concrete = Object.keys(config.environments).filter((name) => !name.includes('{'));
    expect(choices).toEqual(concrete);
  });

  test('no run: step of any workflow interpolates an expression (values arrive as env vars)', () => {
    const interpolating = workflowFiles().flatMap((file) =>
      workflowFromText(readFileSync(file, 'utf8'))
        .jobs.flatMap((j) => j.steps)
        .filter((s) => s.run?.includes('${{'))
        .map((s) => `${path.basename(file)} ${s.where}`),
    );
    expect(interpolating).toEqual([]);
  });
});

describe('rollback routing', () => {
  test.each([
    ['refs/heads/integration', 'mint', { version: '7' }, 'version'],
    ['refs/tags/qa', 'qa', { 's3-version-id': 'v3.Lb_x' }, 'package'],
    ['refs/heads/staging', 'staging', { version: '2' }, 'version'],
  ])(
    '%s with environment %s deploys there without a hold (%o: mode %s)',
    (ref, environment, more, mode) => {
      const r = dispatch({ ref, environment, ...more });
      expect(r.ran.sort()).toEqual(['resolve', 'rollback']);
      expect(r.environments).toEqual([{ job: 'rollback', environment, deployment: false }]);
      expect(r.concurrency).toEqual([{ job: 'rollback', group: `deploy-${environment}` }]);
      expect(r.mode).toBe(mode);
    },
  );

  test.each(['refs/heads/master', 'refs/tags/production', 'refs/tags/RELEASE-4'])(
    '%s with environment prod goes through rollback-with-approval, guard before any credential',
    (ref) => {
      const r = dispatch({ ref, environment: 'prod', version: '12' });
      expect(r.environments).toEqual([
        { job: 'rollback-with-approval', environment: 'prod', deployment: false },
      ]);
      expect(r.concurrency).toEqual([{ job: 'rollback-with-approval', group: 'deploy-prod' }]);
      const steps = rollback.jobs.find((j) => j.id === 'rollback-with-approval')!.steps;
      // After the record's start (which the guard's refusal then marks failed).
      expect(steps[1]).toMatchObject({
        uses: './actions/deployment-record',
        with: { phase: 'start' },
      });
      expect(steps[2]).toMatchObject({
        uses: './actions/environment-guard',
        with: { environment: '${{ needs.resolve.outputs.environment }}' },
      });
    },
  );

  test.each([
    ['refs/heads/integration', 'prod'],
    ['refs/tags/mint', 'prod'],
    ['refs/heads/staging', 'prod'],
    ['refs/heads/Feature-x-1', 'prod'],
    ['refs/heads/develop', 'prod'],
    ['refs/heads/master', 'mint'],
    ['refs/heads/master', 'staging'],
  ])('%s with environment %s is refused before any job enters an environment', (ref, env) => {
    const r = dispatch({ ref, environment: env, version: '3' });
    expect(r.results.resolve).toBe('failure');
    expect(r.environments).toEqual([]);
  });

  test("a non-prod dispatch cannot take prod's role even if the input check were bypassed", () => {
    const refs = [
      'refs/heads/integration',
      'refs/heads/staging',
      'refs/heads/develop',
      'refs/heads/Feature-x-1',
      ...['mint', 'amy', 'pat', 'qa', 'int-x', 'staging', 'prod', 'RELEASE-x'].map(
        (t) => `refs/tags/${t}`,
      ),
      "refs/heads/${{ 'prod' }}",
    ];
    for (const ref of refs) {
      for (const environment of choices) {
        for (const bypassInputCheck of [false, true]) {
          const entered = dispatch(
            { ref, environment, version: '1' },
            { bypassInputCheck },
          ).environments.map((e) => e.environment);
          expect({ ref, environment, entered }).not.toEqual(
            expect.objectContaining({ entered: expect.arrayContaining(['prod']) }),
          );
        }
      }
    }
  });

  test('no job names prod: the hold is the environment resolve decides, whatever environments.yml calls it', () => {
    expect(rollback.jobs.filter((j) => j.environment?.name === 'prod')).toEqual([]);
    expect(rollback.jobs.find((j) => j.id === 'rollback-with-approval')?.environment?.name).toBe(
      '${{ needs.resolve.outputs.environment }}',
    );
  });
});

describe('the rollback input check', () => {
  const base = {
    GITHUB_REF: 'refs/heads/master',
    CHOSEN: 'prod',
    RESOLVED: 'prod',
    DEPLOY: 'true',
    VERSION: '',
    S3_VERSION_ID: '',
    EXPECTED_SHA256: SHA256,
  };

  test.each([
    ['a version', { VERSION: '12' }, 'version'],
    ['an S3 VersionId', { S3_VERSION_ID: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' }, 'package'],
  ])('accepts %s', (_name, env, mode) => {
    expect(runScript('rollback-inputs.sh', { ...base, ...env }).outputs.mode).toBe(mode);
  });

  test.each([
    ['both', { VERSION: '1', S3_VERSION_ID: 'abc' }, /not both/],
    ['neither', {}, /give version .* or s3-version-id/],
    ['$LATEST', { VERSION: '$LATEST' }, /not a published Lambda version/],
    ['a shell word', { S3_VERSION_ID: 'a;id' }, /not an S3 VersionId/],
    ['a short sha256', { VERSION: '1', EXPECTED_SHA256: 'abc' }, /expected-sha256/],
    ['another environment', { VERSION: '1', CHOSEN: 'staging' }, /deploys to 'prod', not/],
    ['a ref that deploys nowhere', { VERSION: '1', DEPLOY: 'false', RESOLVED: '' }, /nowhere/],
  ])('refuses %s, naming the fix', (_name, env, message) => {
    const run = runScript('rollback-inputs.sh', { ...base, ...env });
    expect(run.status).toBe(1);
    expect(run.log).toMatch(message);
    expect(run.outputs).toEqual({});
  });
});
