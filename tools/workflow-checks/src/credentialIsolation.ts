/**
 * Jobs that hold AWS credentials (`id-token: write`) run only code committed to this repository
 * on artifacts of earlier jobs: checkout, download-artifact, configure-aws-credentials, the
 * committed action bundles (`./actions/<name>`, dist/ in git) and committed scripts of
 * .github/scripts. No install, no build, no composite action that installs: any of those runs
 * third-party code (package scripts, Gatsby and webpack plugins), which must never see a token
 * that can assume an AWS role.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { localActionFile } from './actionInputs';
import { compositeSteps, type JobModel, type StepModel } from './workflowModel';

/** Third-party actions a credentialed job may use (by owner/repo, before the @pin). */
export const CREDENTIALED_REMOTE_ACTIONS = [
  'actions/checkout',
  'actions/download-artifact',
  // GitHub's own, pinned: the images legs hand on their push results (a matrix job has one set
  // of outputs). It runs no code of this repository or its dependencies.
  'actions/upload-artifact',
  'aws-actions/configure-aws-credentials',
];

/** A command that installs or builds with a package manager, Node or a container tool. */
const BUILD_TOOL =
  /(^|[\s;&|(`$])(pnpm|npm|npx|yarn|corepack|node|nodejs|gatsby|webpack|docker|buildah|podman|umoci|make)(\s|$)/m;

/** A run step that only calls a committed script: `bash .github/scripts/<name>.sh [args]`. */
const COMMITTED_SCRIPT = /^bash (\.github\/scripts\/[\w.-]+\.sh)(?: [^\n;&|`$<>]*)?$/;

export const holdsCredentials = (job: JobModel) => job.permissions['id-token'] === 'write';

function runProblems(repoRoot: string, step: StepModel): string[] {
  const run = (step.run ?? '').trim();
  const script = COMMITTED_SCRIPT.exec(run)?.[1];
  if (!script) {
    return [
      `${step.where} runs '${run.split('\n')[0]}': a job with id-token: write may only run committed scripts (bash .github/scripts/<name>.sh)`,
    ];
  }
  const file = path.join(repoRoot, script);
  if (!existsSync(file)) return [`${step.where} runs ${script}, which does not exist`];
  return BUILD_TOOL.test(readFileSync(file, 'utf8'))
    ? [`${step.where} runs ${script}, which calls a package manager or build tool`]
    : [];
}

function usesProblems(repoRoot: string, step: StepModel): string[] {
  const uses = step.uses ?? '';
  if (!uses.startsWith('./')) {
    const repository = uses.split('@')[0] ?? '';
    return CREDENTIALED_REMOTE_ACTIONS.includes(repository)
      ? []
      : [`${step.where} uses ${uses}, which a job with id-token: write may not run`];
  }
  const file = localActionFile(repoRoot, uses);
  if (!file) return [`${step.where} uses ${uses}, which has no action.yml`];
  const runs = ((parse(readFileSync(file, 'utf8')) ?? {}) as { runs?: Record<string, unknown> })
    .runs;
  if (runs?.using === 'composite') {
    const inner = compositeSteps(readFileSync(file, 'utf8'));
    const installs = inner.filter(
      (s) =>
        BUILD_TOOL.test(s.run ?? '') ||
        /^(pnpm|actions)\/(action-setup|setup-node)@/.test(s.uses ?? ''),
    );
    return installs.length
      ? [
          `${step.where} uses ${uses}, a composite action that installs or builds (${installs.map((s) => s.where).join(', ')})`,
        ]
      : inner.flatMap((s) => stepProblems(repoRoot, { ...s, where: `${step.where} > ${s.where}` }));
  }
  const bundled =
    uses.startsWith('./actions/') &&
    String(runs?.using ?? '').startsWith('node') &&
    String(runs?.main ?? '').startsWith('dist/');
  return bundled
    ? []
    : [
        `${step.where} uses ${uses}, which is not a committed action bundle (./actions/<name>, dist/)`,
      ];
}

function stepProblems(repoRoot: string, step: StepModel): string[] {
  if (step.uses !== undefined) return usesProblems(repoRoot, step);
  if (step.run !== undefined) return runProblems(repoRoot, step);
  return [];
}

/** Why a job breaks the rule (none when it holds no credentials or keeps to it). */
export function credentialProblems(repoRoot: string, job: JobModel): string[] {
  return holdsCredentials(job) ? job.steps.flatMap((step) => stepProblems(repoRoot, step)) : [];
}
