import * as core from '@actions/core';
import { measure, readChanges, readRunning } from './effects';
import { getInputs, parseCounts } from './inputs';
import { releaseNotes, type Changes } from './notes';
import { publish } from './summary';

export async function run(): Promise<void> {
  const inputs = getInputs();
  core.setSecret(inputs.token);
  const sizes = await measure(inputs.packageFile, inputs.imageLayout);

  // Loaded only now: a step failing on its inputs never loads the GitHub client.
  const { gitHubClient } = await import('@pipelines/action-kit/github');
  const github = gitHubClient(inputs.token, {
    userAgent: 'pipelines-release-notes',
    warn: (message) => core.warning(message),
  });
  const where = { owner: inputs.owner, repo: inputs.repo };
  const running = await readRunning(github, where, inputs.environment);
  const changes: Changes =
    running.kind === 'record'
      ? await readChanges(github, where, running.record.commit, inputs.hashes.commit)
      : { kind: 'none' };
  for (const problem of [
    running.kind === 'unreadable' && running.reason,
    changes.kind === 'unreadable' && changes.reason,
    changes.kind === 'compared' && changes.pullsProblem,
  ])
    if (problem)
      core.warning(`Release notes incomplete: ${problem}. The hashes below are complete.`);

  const notes = releaseNotes({
    environment: inputs.environment,
    approval: inputs.approval,
    repository: inputs.repository,
    serverUrl: inputs.serverUrl,
    ref: inputs.ref,
    running,
    changes,
    checks: {
      ...optional('jest', parseCounts(inputs.jestCounts)),
      ...optional('mocha', parseCounts(inputs.mochaCounts)),
      ...optional('audit', inputs.auditResult),
    },
    sizes,
    hashes: inputs.hashes,
  });
  await publish(notes, sizes, running);
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
