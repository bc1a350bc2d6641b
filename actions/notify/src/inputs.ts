import { input, integerString, parseInputs, type Env } from '@pipelines/action-kit';
import { z } from 'zod';

const specs = {
  'webhook-url': input(
    z.string().optional(),
    'Pass webhook-url: ${{ secrets.DEPLOY_WEBHOOK_URL }} (empty: nothing is sent).',
  ),
  event: input(
    z.enum(['waiting-for-approval', 'run-finished']),
    'Use waiting-for-approval (release-candidate job) or run-finished (summary job).',
  ),
  environment: input(
    z.string().optional(),
    "Pass the resolve job's environment output (empty: the run deploys nowhere, nothing is sent).",
  ),
  notes: input(z.string().optional(), "Pass the release-notes step's notes output."),
  needs: input(z.string().optional(), 'Pass needs: ${{ toJSON(needs) }}.'),
  commit: input(
    z.string().regex(/^[0-9a-f]{40}$/, 'expected a full commit sha'),
    'Leave commit at its default (${{ github.sha }}).',
  ),
  ref: input(z.string().min(1), 'Leave ref at its default (${{ github.ref_name }}).'),
  repository: input(
    z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected owner/repo'),
    'Leave repository at its default (${{ github.repository }}).',
  ),
  'run-url': input(
    z.url({ protocol: /^https?$/ }),
    'Leave run-url at its default (this run on GitHub).',
  ),
  'timeout-seconds': input(
    integerString(1, 60).default(10),
    'Use a number of seconds from 1 to 60.',
  ),
};

export interface Inputs {
  webhookUrl?: string;
  event: 'waiting-for-approval' | 'run-finished';
  environment?: string;
  notes?: string;
  needs?: string;
  commit: string;
  ref: string;
  repository: string;
  runUrl: string;
  timeoutMs: number;
}

export function getInputs(env: Env = process.env): Inputs {
  const filled: Record<string, string | undefined> = { ...env };
  const fallback = (name: string, value: string | undefined) => {
    const key = `INPUT_${name.toUpperCase()}`;
    if (!filled[key]?.trim()) filled[key] = value;
  };
  fallback('commit', env.GITHUB_SHA);
  fallback('ref', env.GITHUB_REF_NAME);
  fallback('repository', env.GITHUB_REPOSITORY);
  fallback(
    'run-url',
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined,
  );
  const p = parseInputs(specs, filled);
  return {
    ...(p.webhookUrl ? { webhookUrl: p.webhookUrl } : {}),
    event: p.event,
    ...(p.environment ? { environment: p.environment } : {}),
    ...(p.notes ? { notes: p.notes } : {}),
    ...(p.needs ? { needs: p.needs } : {}),
    commit: p.commit,
    ref: p.ref,
    repository: p.repository,
    runUrl: p.runUrl,
    timeoutMs: p.timeoutSeconds * 1000,
  };
}
