import * as core from '@actions/core';
import { ActionError, couldNot } from '@pipelines/action-kit';
import {
  buildPayload,
  commitOfPackage,
  describe,
  finalState,
  guardVerdict,
  runUrl,
  toInactivate,
  type ListedDeployment,
} from './decide';
import { committedAt, Deployments } from './effects';
import { getInputs, type Inputs } from './inputs';
import { deploymentsPage, setDeploymentId, writeSummaryLine } from './summary';

const PERMISSION =
  'Give the job `permissions: deployments: write` (and github-token: ${{ github.token }})';

export async function run(): Promise<void> {
  const inputs = getInputs();
  core.setSecret(inputs.githubToken);
  const deployments = await Deployments.open(inputs.githubToken, inputs.repository, (m) =>
    core.warning(m),
  );
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const logUrl = runUrl(server, inputs.repository, inputs.runId, inputs.runAttempt);
  const page = deploymentsPage(server, inputs.repository, inputs.environment);
  if (inputs.phase === 'start') await start(inputs, deployments, logUrl, page);
  else await finish(inputs, deployments, logUrl, page);
}

/**
 * Before any AWS credential: stop if a newer run deployed here, then record this deploy as in
 * progress. Any failure stops the deploy (fail closed): nothing has been deployed yet.
 */
async function start(inputs: Inputs, deployments: Deployments, logUrl: string, page: string) {
  const { environment } = inputs;
  const runId = inputs.runId;
  let listed;
  try {
    listed = await deployments.list(environment);
  } catch (error) {
    throw new ActionError(
      `check the deployments of ${environment}`,
      error,
      `${PERMISSION}. Nothing was deployed: the deploy stops before it asks for AWS credentials`,
    );
  }
  const verdict = guardVerdict(environment, runId, listed);
  if (!verdict.ok) {
    for (const reason of verdict.reasons.slice(1)) core.error(reason);
    throw new Error(verdict.reasons[0]);
  }
  core.info(`No newer run has deployed ${environment} or is deploying it (this run: ${runId}).`);

  const built = builtFrom(inputs, listed);
  const payload = buildPayload({
    runId,
    runAttempt: inputs.runAttempt,
    workflow: inputs.workflow ?? '',
    ...built,
    package: {
      sha256: inputs.packageSha256,
      size: inputs.packageSize,
      bucket: inputs.packageBucket,
      key: inputs.packageKey,
      versionId: inputs.packageVersionId,
    },
    function: { name: inputs.functionName, alias: inputs.functionAlias },
    image: {
      digest: inputs.imageDigest,
      uri: inputs.imageUri,
      size: inputs.imageSize,
    },
  });
  const commit = payload.commit;
  if (!payload.committed_at)
    core.warning(`git in the checkout does not know commit ${commit}: committed_at left out.`);
  let id: number;
  try {
    id = await deployments.create({
      commit,
      environment,
      production: inputs.productionEnvironment,
      description: describe(
        inputs.description ?? `${commit.slice(0, 12)} by run ${runId} of ${payload.workflow}`,
      ),
      payload,
    });
    await deployments.setStatus(id, {
      state: 'in_progress',
      description: describe(`Deploying ${commit.slice(0, 12)} (run ${runId})`),
      logUrl,
      environmentUrl: inputs.environmentUrl,
    });
  } catch (error) {
    throw new ActionError(
      `record the deployment of ${commit.slice(0, 12)} to ${environment}`,
      error,
      `${PERMISSION}. Nothing was deployed: the deploy stops before it asks for AWS credentials`,
    );
  }
  setDeploymentId(id);
  await writeSummaryLine({ deploymentId: id, environment, state: 'in_progress', link: page });
}

/**
 * The commit deployed: the run's own, or for a rollback (redeploy) the commit an earlier record of
 * the environment shipped the same package from.
 */
function builtFrom(
  inputs: Inputs,
  listed: ListedDeployment[],
): { commit: string; committedAt?: string } {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const sha256 = inputs.packageSha256;
  if (inputs.redeploy && sha256) {
    const found = commitOfPackage(listed, sha256);
    if (found) return found;
    core.warning(
      `No earlier record of ${inputs.environment} deployed the package ${sha256}, so the commit it was built from is unknown: the record names this run's commit ${inputs.commit} instead.`,
    );
  }
  return { commit: inputs.commit, committedAt: committedAt(inputs.commit, workspace) };
}

/**
 * After the deploy (always): the final status and, on success, the older successes this
 * deployment replaces become inactive. A failure here never hides the deploy's own result.
 */
async function finish(inputs: Inputs, deployments: Deployments, logUrl: string, page: string) {
  const { environment } = inputs;
  const id = inputs.deploymentId;
  const jobStatus = inputs.jobStatus ?? 'failure';
  if (id === undefined) {
    core.info(
      `No deployment of ${environment} was recorded (the start step did not get that far): nothing to finish.`,
    );
    return;
  }
  const state = finalState(jobStatus);
  try {
    await deployments.setStatus(id, {
      state,
      description: describe(
        state === 'success'
          ? `Deployed by run ${inputs.runId}`
          : state === 'failure'
            ? `The deploy failed (run ${inputs.runId})`
            : `The deploy was cancelled (run ${inputs.runId})`,
      ),
      logUrl,
      environmentUrl: inputs.environmentUrl,
    });
    if (state === 'success') {
      for (const older of toInactivate(await deployments.list(environment), id)) {
        await deployments.setStatus(older, {
          state: 'inactive',
          description: `Replaced by deployment ${id}`,
          logUrl,
        });
        core.info(`Deployment ${older} of ${environment} is inactive: ${id} replaced it.`);
      }
    }
  } catch (error) {
    const outcome =
      jobStatus === 'success'
        ? 'The deploy itself succeeded; only its record on GitHub is out of date'
        : `The deploy itself ended ${jobStatus}`;
    const what = `record the result (${state}) of deployment ${id} of ${environment}`;
    core.warning(couldNot(what, error));
    throw new ActionError(
      what,
      error,
      `${outcome}. ${PERMISSION}; the next deploy's record replaces this one`,
    );
  }
  await writeSummaryLine({ deploymentId: id, environment, state, link: page });
}
