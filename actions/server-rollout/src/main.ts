import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/action-kit/aws';
import { errorMessage } from '@pipelines/action-kit/errors';
import { setOutputs } from '@pipelines/action-kit/run';
import { commandComment, releaseVerdict } from './decide';
import { getInputs } from './inputs';
import { releasesOutput, writeRolloutSummary, type ReleaseOutcome } from './summary';

export async function run(): Promise<void> {
  const inputs = getInputs();
  // The SDK is most of the bundle: loaded only once the inputs are valid.
  const [{ SSMClient }, { sendRelease, waitForCommand }] = await Promise.all([
    import('@aws-sdk/client-ssm'),
    import('./effects'),
  ]);
  const ctx = {
    ssm: new SSMClient(awsClientConfig('ssm', { region: inputs.region, action: 'server-rollout' })),
    environment: inputs.environment,
    document: inputs.document,
    timeoutSeconds: inputs.timeoutSeconds,
    comment: commandComment(process.env),
    log: (m: string) => core.info(m),
  };
  const outcomes: ReleaseOutcome[] = [];
  let failure: string | undefined;
  // In the order given; after a failed service, the later ones are not started.
  for (const release of inputs.releases) {
    if (failure !== undefined) {
      outcomes.push({ release, state: 'not started', servers: [] });
      continue;
    }
    core.info(`Rolling out ${release.service}: ${release.artifact}`);
    let commandId: string | undefined;
    try {
      commandId = await sendRelease(ctx, release);
      const servers = await waitForCommand(ctx, commandId, release);
      const verdict = releaseVerdict(inputs.environment, release, servers);
      outcomes.push({ release, state: verdict.ok ? 'deployed' : 'failed', commandId, servers });
      if (!verdict.ok) failure = verdict.reason;
    } catch (error) {
      outcomes.push({ release, state: 'failed', ...(commandId ? { commandId } : {}), servers: [] });
      failure = errorMessage(error);
    }
  }
  const notStarted = outcomes
    .filter((o) => o.state === 'not started')
    .map((o) => o.release.service);
  if (failure !== undefined && notStarted.length > 0) {
    failure += `. Not started: ${notStarted.join(', ')} (they keep their current release)`;
  }
  setOutputs({ releases: releasesOutput(outcomes) });
  await writeRolloutSummary(inputs.environment, outcomes, failure);
  ctx.ssm.destroy();
  if (failure !== undefined) throw new Error(failure);
}
