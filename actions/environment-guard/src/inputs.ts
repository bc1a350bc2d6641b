import { input, integerString, parseInputs, type Env } from '@pipelines/action-kit';
import { z } from 'zod';

/**
 * A GitHub login (users, apps such as dependabot[bot]; local runners such as act use names like
 * nektos/act). Only ever compared with the approvers' logins.
 */
const login = z.string().regex(/^\S{1,100}$/, 'expected a GitHub login');

const specs = {
  environment: input(
    z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, 'expected an environment name such as prod'),
    'Set environment to the name the job declares in `environment:` (for example prod).',
  ),
  'github-token': input(
    z.string().min(1),
    'Pass github-token: ${{ github.token }} and give the job `permissions: actions: read`.',
  ),
  repository: input(
    z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected owner/repo'),
    'Set repository to owner/repo, or leave it at its default.',
  ),
  'min-reviewers': input(
    integerString(1, 6).default(1),
    'Use a number from 1 to 6 (GitHub allows at most 6 required reviewers).',
  ),
  'run-id': input(
    z.string().regex(/^\d+$/, 'expected a workflow run id'),
    'Leave run-id at its default (${{ github.run_id }}): the guard checks who approved this run.',
  ),
  actor: input(
    login,
    'Leave actor at its default (${{ github.actor }}): the guard checks the approver is someone else.',
  ),
  'triggering-actor': input(
    login.optional(),
    'Leave triggering-actor at its default (${{ github.triggering_actor }}).',
  ),
};

export interface Inputs {
  environment: string;
  githubToken: string;
  repository: string;
  minReviewers: number;
  runId: string;
  /** Who may not be the approver: the run's actor and whoever triggered this attempt. */
  actors: string[];
}

/**
 * The run and its actors come from the inputs, else from the runner's own variables
 * (GITHUB_RUN_ID, GITHUB_ACTOR, GITHUB_TRIGGERING_ACTOR). Without a run id or an actor the guard
 * cannot tell who approved what, so it stops.
 */
export function getInputs(env: Env = process.env): Inputs {
  const parsed = parseInputs(
    specs,
    withFallbacks(env, {
      'run-id': 'GITHUB_RUN_ID',
      actor: 'GITHUB_ACTOR',
      'triggering-actor': 'GITHUB_TRIGGERING_ACTOR',
    }),
  );
  const actors = [parsed.actor, parsed.triggeringActor].filter((a): a is string => a !== undefined);
  return { ...parsed, actors: [...new Set(actors)] };
}

function withFallbacks(env: Env, fallbacks: Record<string, string>): Env {
  const filled: Record<string, string | undefined> = { ...env };
  for (const [name, variable] of Object.entries(fallbacks)) {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
    if (!filled[key]?.trim()) filled[key] = env[variable];
  }
  return filled;
}
