/**
 * What the rehearsal's GitHub stand-in keeps between rehearsals: its deployment records (and the
 * workflow runs they name, which a reader looks up before trusting one), so that "what the local
 * prod runs" survives from one `bash scripts/rehearse.sh` to the next, as it does on GitHub.
 * Saved as JSON in .rehearsal/state/ (git-ignored; `--fresh` forgets it).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipelinesPayload } from '@pipelines/action-kit';
import type { FakeDeployment, FakeWorkflowRun } from '@pipelines/testkit';

export const DEPLOYMENTS_FILE = 'github-deployments.json';

export interface KeptGitHub {
  deployments: FakeDeployment[];
  workflowRuns: Record<string, FakeWorkflowRun>;
}

/** What earlier rehearsals left; nothing when there is no file or `fresh` forgets it. */
export function loadGitHubState(stateDir: string, fresh: boolean): KeptGitHub {
  const file = path.join(stateDir, DEPLOYMENTS_FILE);
  if (fresh) rmSync(file, { force: true });
  if (!existsSync(file)) return { deployments: [], workflowRuns: {} };
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeptGitHub>;
    return {
      deployments: Array.isArray(saved.deployments) ? saved.deployments : [],
      workflowRuns:
        saved.workflowRuns && typeof saved.workflowRuns === 'object' ? saved.workflowRuns : {},
    };
  } catch (error) {
    throw new Error(
      `Could not read the local GitHub's deployment records ${file}: ${String(error)}. Run with --fresh to start without them.`,
      { cause: error },
    );
  }
}

export function saveGitHubState(stateDir: string, kept: KeptGitHub): string {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, DEPLOYMENTS_FILE);
  writeFileSync(file, JSON.stringify(kept, null, 2));
  return file;
}

export interface DeploymentLink {
  id: number;
  /** The newest status ('none' before the first). */
  state: string;
  /** The record in the stand-in's REST API (while it runs: --keep). */
  url: string;
}

/** The environment's newest deployment record, as the summary table links it. Pure. */
export function newestDeployment(
  deployments: readonly FakeDeployment[],
  environment: string,
  apiRepositoryUrl: string,
): DeploymentLink | undefined {
  const newest = deployments
    .filter((d) => d.environment === environment)
    .reduce<FakeDeployment | undefined>((a, d) => (a && a.id > d.id ? a : d), undefined);
  if (!newest) return undefined;
  return {
    id: newest.id,
    state: newest.statuses.at(-1)?.state ?? 'none',
    url: `${apiRepositoryUrl}/deployments/${newest.id}/statuses`,
  };
}

/** One more than the newest run id the records' payloads name (1 without any). Pure. */
export function nextRunId(deployments: readonly FakeDeployment[]): number {
  const runs = deployments.map((d) => pipelinesPayload(d.payload)?.run_id ?? 0);
  return Math.max(0, ...runs) + 1;
}
