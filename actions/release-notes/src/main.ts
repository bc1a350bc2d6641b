import * as core from '@actions/core';
import { errorMessage, setOutputs } from '@pipelines/action-kit';
import { readChanges, readRunning } from './github';
import { getInputs, parseCounts } from './inputs';
import { releaseNotes, type Changes, type Sizes } from './notes';
import { fileSize, imageSize } from './sizes';

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
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(notes).write();
  core.info(notes);
  setOutputs({
    'package-size': sizes.package ?? '',
    'image-size': sizes.image ?? '',
    'base-commit': running.kind === 'record' ? running.record.commit : '',
  });
  // The notes are long: set without echoing them a second time.
  core.setOutput('notes', notes);
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Sizes are information: one that cannot be measured is shown as unknown, with a warning. */
async function measure(packageFile?: string, imageLayout?: string): Promise<Sizes> {
  const sizes: Sizes = {};
  if (packageFile) {
    try {
      sizes.package = await fileSize(packageFile);
    } catch (error) {
      core.warning(`Could not measure the package ${packageFile}: ${errorMessage(error)}.`);
    }
  }
  if (imageLayout) {
    try {
      sizes.image = await imageSize(imageLayout);
    } catch (error) {
      core.warning(`Could not measure the image layout ${imageLayout}: ${errorMessage(error)}.`);
    }
  }
  return sizes;
}
