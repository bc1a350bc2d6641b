/**
 * The second phase: the local services. The local AWS (moto and an ECR-like registry) and a GitHub
 * API stand-in, which starts with the deployment records earlier rehearsals left (saved at
 * teardown), answers the workflow's token as github-actions[bot], as GitHub does, and answers the
 * release notes' git reads (compare, pull requests) from the rehearsed repository.
 */
import path from 'node:path';
import { concreteEnvironments, type EnvironmentsConfig } from '@pipelines/environments';
import {
  defaultGitHubState,
  startFakeGitHub,
  startMoto,
  startRegistry,
  type FakeWorkflowRun,
} from '@pipelines/testkit';
import { loadGitHubState, nextRunId } from './githubState';
import type { LocalServices, RunStart } from './record';
import type { Started } from './teardown';

export async function startLocalServices(
  start: Pick<RunStart, 'options' | 'source' | 'model' | 'head'>,
  started: Started,
): Promise<LocalServices> {
  const { options, source, model } = start;
  const [moto, registry] = await Promise.all([startMoto(), startRegistry({ ecr: true })]);
  started.moto = moto;
  started.registry = registry;
  const approvalEnvironments = approvalEnvironmentsOf(model);
  const [owner = '', repo = ''] = model.project.github.split('/');
  const stateDir = path.join(source, '.rehearsal', 'state');
  const github = await startFakeGitHub(
    defaultGitHubState({
      owner,
      repo,
      gitRepository: source,
      actor: 'github-actions[bot]',
      ...loadGitHubState(stateDir, options.fresh ?? false),
      environments: Object.fromEntries(
        approvalEnvironments.map((name) => [
          name,
          // As the GitHub bootstrap configures it: a required reviewer, no self-review, no
          // admin bypass (the prod guard refuses an environment that admins may bypass).
          {
            reviewers: [{ type: 'User' as const, id: 101 }],
            preventSelfReview: true,
            canAdminsBypass: false,
            customPolicies: true,
            policies: [],
            variables: {},
          },
        ]),
      ),
    }),
  );
  started.github = github;
  started.githubStateDir = stateDir;
  const runId = nextRunId(github.state.deployments ?? []);
  (github.state.workflowRuns ??= {})[String(runId)] = workflowRunOf(
    options.workflow,
    options.ref,
    start.head.sha,
  );
  return { moto, registry, github, approvalEnvironments, runId };
}

/** The environments whose deploys wait for a reviewer. */
function approvalEnvironmentsOf(model: EnvironmentsConfig): string[] {
  return concreteEnvironments(model)
    .filter((env) => env.approval)
    .map((env) => env.name);
}

/** This run, as GitHub describes it to a reader of its deployment record. Pure. */
export function workflowRunOf(workflow: string, ref: string, headSha: string): FakeWorkflowRun {
  return {
    path: workflow,
    headBranch: ref.replace(/^refs\/(heads|tags)\//, ''),
    event: 'push',
    headSha,
  };
}
