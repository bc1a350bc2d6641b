/**
 * The job summary (one row per server: which release it got and how it ended, with the end of
 * deploy.sh's output) and the `releases` output.
 */
import * as core from '@actions/core';
import { codeCell, textCell } from '@pipelines/action-kit/tableCell';
import type { Release, ServerResult } from './decide';

export type ReleaseState = 'deployed' | 'failed' | 'not started';

export interface ReleaseOutcome {
  readonly release: Release;
  readonly state: ReleaseState;
  readonly commandId?: string;
  readonly servers: readonly ServerResult[];
}

/** The `releases` output: what each line became, for later steps and the deployment record. */
export function releasesOutput(outcomes: readonly ReleaseOutcome[]): string {
  return JSON.stringify(
    outcomes.map(({ release, state, commandId, servers }) => ({
      service: release.service,
      artifact: release.artifact,
      ...(release.sha256 ? { sha256: release.sha256 } : {}),
      state,
      ...(commandId ? { commandId } : {}),
      instances: servers.map((s) => ({
        instanceId: s.instanceId,
        status: s.status,
        responseCode: s.responseCode,
      })),
    })),
  );
}

/** SSM's status, its details when they say more, and deploy.sh's exit code when it ran. */
function statusText(server: ServerResult): string {
  const details =
    server.statusDetails && server.statusDetails !== server.status
      ? `: ${server.statusDetails}`
      : '';
  const exit = server.responseCode >= 0 ? ` (exit ${server.responseCode})` : '';
  return textCell(`${server.status}${details}${exit}`);
}

export function rolloutMarkdown(
  environment: string,
  outcomes: readonly ReleaseOutcome[],
  failure?: string,
): string {
  const rows = outcomes.flatMap(({ release, state, servers }) =>
    servers.length > 0
      ? servers.map(
          (s) =>
            `| \`${s.instanceId}\` | ${s.service} | \`${codeCell(s.artifact)}\` | ${statusText(s)} | <code>${textCell(s.outputTail)}</code> |`,
        )
      : [
          `| (none) | ${release.service} | \`${codeCell(release.artifact)}\` | ${state === 'not started' ? 'not started' : 'no server reached'} | |`,
        ],
  );
  return [
    `### Server rollout: ${environment}`,
    '',
    '| instance | service | release | status | last lines of its output |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    failure ? `**Stopped:** ${textCell(failure)}` : 'Every server runs its release.',
    '',
  ].join('\n');
}

export async function writeRolloutSummary(
  environment: string,
  outcomes: readonly ReleaseOutcome[],
  failure?: string,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(rolloutMarkdown(environment, outcomes, failure)).write();
}
