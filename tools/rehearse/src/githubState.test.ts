import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FakeDeployment } from '@pipelines/testkit';
import { loadGitHubState, newestDeployment, nextRunId, saveGitHubState } from './githubState';

const deployment = (id: number, environment: string, states: string[]): FakeDeployment => ({
  id,
  sha: 'c'.repeat(40),
  ref: 'c'.repeat(40),
  task: 'deploy',
  environment,
  description: null,
  payload: {},
  productionEnvironment: environment === 'prod',
  transientEnvironment: false,
  createdAt: '2026-11-30T00:00:00Z',
  creator: 'github-actions[bot]',
  statuses: states.map((state, i) => ({
    id: id * 10 + i,
    state: state as FakeDeployment['statuses'][number]['state'],
    description: '',
    environmentUrl: '',
    logUrl: '',
    createdAt: '2026-11-30T00:00:00Z',
    creator: 'github-actions[bot]',
  })),
});

describe("the local GitHub's deployment records between rehearsals", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const none = { deployments: [], workflowRuns: {} };

  it('are none at first, then what the last rehearsal saved, with the runs they name', () => {
    expect(loadGitHubState(dir, false)).toEqual(none);
    const saved = {
      deployments: [deployment(1000, 'prod', ['in_progress', 'success'])],
      workflowRuns: {
        '1': { path: '.github/workflows/pipeline.yml', headBranch: 'master', event: 'push' },
      },
    };
    saveGitHubState(dir, saved);
    expect(loadGitHubState(dir, false)).toEqual(saved);
  });

  it('are forgotten with --fresh', () => {
    saveGitHubState(dir, {
      deployments: [deployment(1000, 'prod', ['success'])],
      workflowRuns: {},
    });
    expect(loadGitHubState(dir, true)).toEqual(none);
    expect(loadGitHubState(dir, false)).toEqual(none);
  });
});

describe('newestDeployment', () => {
  it("links the environment's newest record with its newest state", () => {
    const records = [
      deployment(1010, 'prod', ['in_progress', 'success']),
      deployment(1020, 'prod', ['in_progress', 'failure']),
      deployment(1030, 'mint', ['success']),
    ];
    expect(newestDeployment(records, 'prod', 'http://gh/repos/example/pipelines')).toEqual({
      id: 1020,
      state: 'failure',
      url: 'http://gh/repos/example/pipelines/deployments/1020/statuses',
    });
    expect(newestDeployment(records, 'staging', 'http://gh')).toBeUndefined();
  });
});

describe('nextRunId', () => {
  it('is one newer than the newest run the records name, so each rehearsal is a newer run', () => {
    const ours = (id: number, run: number) => ({
      ...deployment(id, 'prod', ['success']),
      payload: {
        pipelines: 1,
        run_id: run,
        run_attempt: 1,
        workflow: 'w.yml',
        commit: 'c'.repeat(40),
      },
    });
    expect(nextRunId([])).toBe(1);
    expect(nextRunId([ours(1000, 4), ours(1001, 9), deployment(1002, 'mint', [])])).toBe(10);
  });
});
