/**
 * The GitHub stand-in's workflow runs (`GET /repos/{owner}/{repo}/actions/runs/{run_id}`): what a
 * reader of a deployment record asks to trust it (the run's workflow file, ref and event; see
 * `trustedRecord()` of @pipelines/action-kit). The body is the REST description's own example with
 * the fields a test sets, so it is checked against the schema like every other answer.
 */
import { gitHubExample } from './openApi';

export interface FakeWorkflowRun {
  /** The workflow file, e.g. .github/workflows/pipeline.yml. */
  path: string;
  /** The branch or tag the run ran on. */
  headBranch: string | null;
  event: string;
  headSha?: string;
}

export interface WorkflowRunsState {
  /** Workflow runs by id. */
  workflowRuns?: Record<string, FakeWorkflowRun>;
}

type Send = (status: number, data?: unknown) => void;

/** Handles GET .../actions/runs/{run_id}; false for any other path. */
export function handleWorkflowRuns(
  state: WorkflowRunsState,
  method: string,
  inRepo: string,
  send: Send,
): boolean {
  const m = /^\/actions\/runs\/(\d+)$/.exec(inRepo);
  if (!m || method !== 'GET') return false;
  const run = state.workflowRuns?.[m[1]!];
  if (!run) {
    send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    return true;
  }
  const example = gitHubExample<Record<string, unknown>>('workflow-run');
  send(200, {
    ...example,
    id: Number(m[1]),
    path: run.path,
    head_branch: run.headBranch,
    event: run.event,
    ...(run.headSha ? { head_sha: run.headSha } : {}),
  });
  return true;
}
