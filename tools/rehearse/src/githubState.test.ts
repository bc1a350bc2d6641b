import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FakeDeployment } from '@pipelines/testkit';
import { loadDeployments, newestDeployment, nextRunId, saveDeployments } from './githubState';

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

  it('are none at first, then what the last rehearsal saved', () => {
    expect(loadDeployments(dir, false)).toEqual([]);
    const saved = [deployment(1000, 'prod', ['in_progress', 'success'])];
    saveDeployments(dir, saved);
    expect(loadDeployments(dir, false)).toEqual(saved);
  });

  it('are forgotten with --fresh', () => {
    saveDeployments(dir, [deployment(1000, 'prod', ['success'])]);
    expect(loadDeployments(dir, true)).toEqual([]);
    expect(loadDeployments(dir, false)).toEqual([]);
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
