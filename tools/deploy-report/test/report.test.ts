/**
 * The real CLI (bin/deploy-report.js in a child process, as `pnpm deploy-report` runs it) against
 * the GitHub stand-in seeded with a known history, checking the printed figures exactly. The
 * stand-in checks every request and answer against GitHub's REST description.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  defaultGitHubState,
  repoRoot,
  startFakeGitHub,
  type DeploymentState,
  type FakeDeployment,
  type FakeGitHub,
} from '@pipelines/testkit';

// Each test starts Node with the CLI (transpiled on the fly) and serves its requests through the
// stand-in's schema checks: seconds on a shared machine, more than jest's default 5.
jest.setTimeout(60_000);

const run = promisify(execFile);
const sha = (c: string) => c.repeat(40);
const runsPage = (runId: number) => `https://github.com/example/pipelines/actions/runs/${runId}`;

let nextId = 1;
/** A deployment as the pipeline records it; statuses oldest first as [state, time] pairs. */
function recorded(
  environment: string,
  ref: string,
  commit: string,
  createdAt: string,
  statuses: [DeploymentState, string][],
  payload: Record<string, unknown> = {},
  creator = 'github-actions[bot]',
): FakeDeployment {
  const id = nextId++;
  const runId = 5000 + id;
  return {
    id,
    sha: sha(commit),
    ref,
    task: 'deploy',
    environment,
    description: null,
    payload: {
      pipelines: 1,
      run_id: runId,
      run_attempt: 1,
      workflow: '.github/workflows/pipeline.yml',
      commit: sha(commit),
      ...payload,
    },
    productionEnvironment: environment === 'prod',
    transientEnvironment: false,
    createdAt,
    creator,
    statuses: statuses.map(([state, at], i) => ({
      id: 100 * id + i,
      state,
      description: '',
      environmentUrl: state === 'success' ? `https://${environment}.pipelines.example.com` : '',
      logUrl: state === 'inactive' ? '' : runsPage(runId),
      createdAt: at,
      creator,
    })),
  };
}

/**
 * Four weeks of prod (one deploy before them, five inside, the newest an error, and a record
 * someone made by hand that must not count), one staging deploy, one int-alice deploy.
 */
function knownHistory(): FakeDeployment[] {
  nextId = 1;
  return [
    recorded('prod', 'master', 'a', '2026-10-20T09:00:00Z', [
      ['in_progress', '2026-10-20T09:00:05Z'],
      ['success', '2026-10-20T09:20:00Z'],
      ['inactive', '2026-11-03T10:30:00Z'],
    ]),
    recorded('staging', 'staging', '1', '2026-10-25T09:00:00Z', [
      ['success', '2026-10-25T09:10:00Z'],
    ]),
    recorded(
      'prod',
      'master',
      'b',
      '2026-11-03T10:00:00Z',
      [
        ['in_progress', '2026-11-03T10:00:05Z'],
        ['success', '2026-11-03T10:30:00Z'],
        ['inactive', '2026-11-17T09:45:00Z'],
      ],
      { committed_at: '2026-11-03T09:00:00Z' },
    ),
    recorded(
      'prod',
      'master',
      'c',
      '2026-11-10T12:00:00Z',
      [
        ['in_progress', '2026-11-10T12:00:05Z'],
        ['failure', '2026-11-10T12:20:00Z'],
      ],
      { committed_at: '2026-11-10T08:00:00Z' },
    ),
    recorded(
      'int-alice',
      'int-alice',
      '2',
      '2026-11-12T15:00:00Z',
      [['success', '2026-11-12T15:06:00Z']],
      { committed_at: '2026-11-12T14:30:00Z' },
    ),
    recorded(
      'prod',
      'RELEASE-7',
      'd',
      '2026-11-17T09:00:00Z',
      [
        ['in_progress', '2026-11-17T09:00:05Z'],
        ['success', '2026-11-17T09:45:00Z'],
        ['inactive', '2026-11-24T14:10:00Z'],
      ],
      { committed_at: '2026-11-16T09:00:00Z' },
    ),
    recorded(
      'prod',
      'master',
      'e',
      '2026-11-24T14:00:00Z',
      [
        ['in_progress', '2026-11-24T14:00:05Z'],
        ['success', '2026-11-24T14:10:00Z'],
      ],
      { committed_at: '2026-11-24T13:50:00Z', run_attempt: 2 },
    ),
    recorded(
      'staging',
      'staging',
      '3',
      '2026-11-26T11:30:00Z',
      [
        ['in_progress', '2026-11-26T11:30:05Z'],
        ['success', '2026-11-26T12:00:00Z'],
      ],
      { committed_at: '2026-11-26T11:00:00Z' },
    ),
    recorded(
      'prod',
      'master',
      'f',
      '2026-11-27T08:00:00Z',
      [
        ['in_progress', '2026-11-27T08:00:05Z'],
        ['error', '2026-11-27T08:05:00Z'],
      ],
      { committed_at: '2026-11-27T07:00:00Z' },
    ),
    // Made by hand through the API: neither the pipeline's token nor its mark.
    recorded(
      'prod',
      'master',
      '9',
      '2026-11-28T10:00:00Z',
      [['success', '2026-11-28T10:01:00Z']],
      { pipelines: undefined },
      'alice',
    ),
  ];
}

/** What the report prints for the known history, also shown as the example in the docs. */
const EXPECTED = `Deployments of example/pipelines, the 28 days from 2026-11-01 00:00 UTC to 2026-11-29 00:00 UTC

mint: https://github.com/example/pipelines/deployments/mint
  never deployed (no deployment record of the pipeline)

amy: https://github.com/example/pipelines/deployments/amy
  never deployed (no deployment record of the pipeline)

pat: https://github.com/example/pipelines/deployments/pat
  never deployed (no deployment record of the pipeline)

qa: https://github.com/example/pipelines/deployments/qa
  never deployed (no deployment record of the pipeline)

staging: https://github.com/example/pipelines/deployments/staging
  runs now    3333333 (staging) since 2026-11-26 12:00 UTC, by run 5008 of pipeline.yml
  lead time   median 1h 00m, p90 1h 00m (1 deploy)
  frequency   0.3 successful deploys per week (1 in 28 days)
  failed      0 of 1 finished deploy (0% change-failure rate)
  recent      2026-11-26 11:30 UTC  3333333  success

prod: https://github.com/example/pipelines/deployments/prod
  runs now    eeeeeee (master) since 2026-11-24 14:10 UTC, by run 5007 attempt 2 of pipeline.yml, approved by alice
  newest      fffffff error, created 2026-11-27 08:00 UTC
  lead time   median 1h 30m, p90 1d 0h (3 deploys)
  frequency   0.8 successful deploys per week (3 in 28 days)
  failed      2 of 5 finished deploys (40% change-failure rate)
  recent      2026-11-27 08:00 UTC  fffffff  error
              2026-11-24 14:00 UTC  eeeeeee  success
              2026-11-17 09:00 UTC  ddddddd  inactive
              2026-11-10 12:00 UTC  ccccccc  failure
              2026-11-03 10:00 UTC  bbbbbbb  inactive

int-alice: https://github.com/example/pipelines/deployments/int-alice
  runs now    2222222 (int-alice) since 2026-11-12 15:06 UTC, by run 5005 of pipeline.yml
  lead time   median 36m, p90 36m (1 deploy)
  frequency   0.3 successful deploys per week (1 in 28 days)
  failed      0 of 1 finished deploy (0% change-failure rate)
  recent      2026-11-12 15:00 UTC  2222222  success
`;

describe('pnpm deploy-report against the GitHub stand-in', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub(
      defaultGitHubState({
        deployments: knownHistory(),
        // The deployment review log of the run that deployed what runs in prod.
        runs: { '5007': [{ user: 'alice', environments: ['prod'], state: 'approved' }] },
      }),
    );
  });
  afterEach(() => github.stop());

  const report = (...args: string[]) =>
    run(
      process.execPath,
      [
        path.join(repoRoot, 'tools/deploy-report/bin/deploy-report.js'),
        '--until',
        '2026-11-29T00:00:00Z',
        '--days',
        '28',
        ...args,
      ],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH,
          GITHUB_TOKEN: github.state.token,
          GITHUB_API_URL: github.url,
        },
      },
    );

  it('prints the figures for a known history', async () => {
    const { stdout } = await report();
    expect(stdout).toBe(EXPECTED);
    // The report only reads.
    expect(github.writes()).toEqual([]);
  });

  it('shows the same output as the example in docs/deploy-report.md', () => {
    const docs = readFileSync(path.join(repoRoot, 'docs/deploy-report.md'), 'utf8');
    expect(docs).toContain('pnpm deploy-report --until 2026-11-29T00:00:00Z --days 28');
    expect(docs).toContain(`\`\`\`text\n${EXPECTED}\`\`\``);
  });

  it('gives the same figures as JSON, every deployment of the window listed', async () => {
    const { stdout } = await report('--json', '--environment', 'prod');
    const json = JSON.parse(stdout) as {
      repository: string;
      window: unknown;
      environments: Record<string, unknown>[];
    };
    expect(json.repository).toBe('example/pipelines');
    expect(json.window).toEqual({
      since: '2026-11-01T00:00:00.000Z',
      until: '2026-11-29T00:00:00.000Z',
    });
    expect(json.environments).toHaveLength(1);
    expect(json.environments[0]).toMatchObject({
      environment: 'prod',
      family: null,
      runsNow: {
        commit: sha('e'),
        ref: 'master',
        deployedAt: '2026-11-24T14:10:00Z',
        runId: 5007,
        runAttempt: 2,
        logUrl: runsPage(5007),
        environmentUrl: 'https://prod.pipelines.example.com',
      },
      approvedBy: ['alice'],
      newerAttempt: { commit: sha('f'), state: 'error' },
      leadTime: { measured: 3, missing: 0, medianSeconds: 5400, p90Seconds: 89100 },
      frequency: { successful: 3, perWeek: 0.75 },
      failures: { failed: 2, finished: 5, changeFailureRate: 0.4 },
    });
    expect(json.environments[0]!.deployments).toHaveLength(5);
  });

  it('says which deploys lack a commit time when the record has none and the lookup is off', async () => {
    github.state.deployments!.push(
      recorded('qa', 'qa', '4', '2026-11-20T10:00:00Z', [['success', '2026-11-20T10:05:00Z']]),
    );
    const { stdout } = await report('--environment', 'qa', '--no-commit-lookup');
    expect(stdout).toContain(
      '  lead time   none measured; 1 without a commit time (no committed_at in the record, and --no-commit-lookup)\n',
    );
    expect(github.requests.some((r) => r.path.includes('/commits/'))).toBe(false);
  });

  it('says the commit time is missing when the record has none and GitHub does not have the commit', async () => {
    github.state.deployments!.push(
      recorded('qa', 'qa', '4', '2026-11-20T10:00:00Z', [['success', '2026-11-20T10:05:00Z']]),
    );
    const { stdout } = await report('--environment', 'qa');
    expect(stdout).toContain(
      '  lead time   none measured; 1 without a commit time (no committed_at in the record, and GitHub did not give the commit)\n',
    );
    expect(github.requests.filter((r) => r.path.includes('/commits/')).map((r) => r.path)).toEqual([
      `/repos/example/pipelines/commits/${sha('4')}`,
    ]);
  });

  it('reads every page of a busy environment, and stops once it is past the window and knows what runs', async () => {
    nextId = 100;
    const busy: FakeDeployment[] = [];
    // 30 deploys a day before the window, then 5 a day for 28 days (140, more than a page).
    for (let day = 0; day < 31; day++)
      for (let n = 0; n < (day < 3 ? 10 : 5); n++) {
        const at = new Date(Date.UTC(2026, 9, 29 + day, 8 + n)).toISOString();
        busy.push(
          recorded('pat', 'pat', 'a', at, [['success', at.replace(':00:00', ':10:00')]], {
            committed_at: at,
          }),
        );
      }
    github.state.deployments = busy;
    const { stdout } = await report('--environment', 'pat');
    expect(stdout).toContain(
      '  frequency   35.0 successful deploys per week (140 in 28 days)\n  failed      0 of 140 finished deploys (0% change-failure rate)\n',
    );
    expect(stdout).toContain('              ... and 130 more (--json lists them all)\n');
    const listings = github.requests.filter((r) => r.path.endsWith('/deployments'));
    expect(listings).toHaveLength(2);
    // The statuses of the 140 in the window and of the first one before it, no more.
    expect(github.requests.filter((r) => r.path.endsWith('/statuses'))).toHaveLength(141);
  });

  it('says so when the run that deployed to prod has no approval on record', async () => {
    github.state.runs = {};
    const { stdout } = await report('--environment', 'prod');
    expect(stdout).toContain(
      '  runs now    eeeeeee (master) since 2026-11-24 14:10 UTC, by run 5007 attempt 2 of pipeline.yml, no approval on record\n',
    );
  });

  it('still says what runs where when nothing deployed in the window', async () => {
    const { stdout } = await report('--environment', 'staging', '--days', '1');
    expect(stdout).toBe(
      `Deployments of example/pipelines, the 1 day from 2026-11-28 00:00 UTC to 2026-11-29 00:00 UTC

staging: https://github.com/example/pipelines/deployments/staging
  runs now    3333333 (staging) since 2026-11-26 12:00 UTC, by run 5008 of pipeline.yml
  recent      no deploys in the last 1 day
`,
    );
  });
});
