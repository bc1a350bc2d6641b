/**
 * The I/O of a rollout: one SSM Run Command per release, polled until SSM says it is over, then
 * each server's result and output read back.
 */
import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type CommandInvocation,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { ActionError, awsErrorName } from '@pipelines/action-kit/errors';
import { backoffDelay, realSleep, type Sleep } from '@pipelines/action-kit/retry';
import {
  isTerminalCommand,
  lastLines,
  targetsFor,
  type Release,
  type ServerResult,
} from './decide';

export interface RolloutContext {
  readonly ssm: SSMClient;
  readonly environment: string;
  readonly document: string;
  readonly timeoutSeconds: number;
  /** The run's URL or id, shown as the command's comment in the SSM console. */
  readonly comment: string;
  readonly log: (message: string) => void;
  readonly sleep?: Sleep;
}

/** The fix for an error SSM answers SendCommand with, by its name. */
function sendFix(name: string | undefined, ctx: RolloutContext): string {
  switch (name) {
    case 'AccessDeniedException':
      return `The deploy role may send ${ctx.document} only to the servers tagged pipelines:environment=${ctx.environment}: check that this job assumed the role of ${ctx.environment}'s tier and that its servers carry that tag. Nothing was deployed`;
    case 'InvalidDocument':
      return `Deploy the infra of ${ctx.environment}'s tier (it creates the document), and pass resolve-environment's deploy-document output. Nothing was deployed`;
    case 'InvalidParameters':
      return `The document ${ctx.document} refused the release: the infra's document and this action disagree; deploy the infra from this commit. Nothing was deployed`;
    default:
      return 'Nothing was deployed by this command';
  }
}

/** Sends the deploy document to the release's servers, one server at a time, no error tolerated. */
export async function sendRelease(ctx: RolloutContext, release: Release): Promise<string> {
  try {
    const answer = await ctx.ssm.send(
      new SendCommandCommand({
        DocumentName: ctx.document,
        Targets: targetsFor(ctx.environment, release.service),
        Parameters: {
          service: [release.service],
          artifact: [release.artifact],
          sha256: [release.sha256],
        },
        // One server at a time, and none after the first failure: the others keep serving.
        MaxConcurrency: '1',
        MaxErrors: '0',
        TimeoutSeconds: ctx.timeoutSeconds,
        Comment: ctx.comment,
      }),
    );
    const id = answer.Command?.CommandId;
    if (!id) throw new Error('SSM answered without a CommandId');
    return id;
  } catch (error) {
    throw new ActionError(
      `send ${ctx.document} for ${release.service} to ${ctx.environment}'s servers`,
      error,
      sendFix(awsErrorName(error), ctx),
    );
  }
}

/**
 * Waits until SSM says the command is over (its targets resolve asynchronously, so only the
 * command's own status tells that no more servers will appear), logging each server's progress.
 */
export async function waitForCommand(
  ctx: RolloutContext,
  commandId: string,
  release: Release,
): Promise<ServerResult[]> {
  const sleep = ctx.sleep ?? realSleep;
  const deadline = Date.now() + ctx.timeoutSeconds * 1000;
  const seen = new Map<string, string>();
  for (let attempt = 1; ; attempt++) {
    const listed = await ctx.ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    const status = listed.Commands?.[0]?.Status;
    const invocations = await listInvocations(ctx, commandId);
    for (const invocation of invocations) {
      const id = invocation.InstanceId ?? '?';
      if (seen.get(id) !== invocation.Status) {
        seen.set(id, invocation.Status ?? '');
        ctx.log(`${release.service} on ${id}: ${invocation.Status ?? 'unknown'}`);
      }
    }
    if (isTerminalCommand(status))
      return Promise.all(invocations.map((i) => serverResult(ctx, commandId, release, i)));
    if (Date.now() >= deadline) {
      throw new ActionError(
        `roll out ${release.service} to ${ctx.environment} within ${ctx.timeoutSeconds} s`,
        `command ${commandId} is still ${status ?? 'unknown'}`,
        `Read it with aws ssm list-command-invocations --command-id ${commandId} --details (docs/runbook.md); raise timeout-seconds if deploys take longer`,
      );
    }
    await sleep(
      Math.max(
        500,
        backoffDelay(attempt, 2000, 15000, () => 1),
      ),
    );
  }
}

async function listInvocations(
  ctx: RolloutContext,
  commandId: string,
): Promise<CommandInvocation[]> {
  const all: CommandInvocation[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ctx.ssm.send(
      new ListCommandInvocationsCommand({
        CommandId: commandId,
        Details: true,
        NextToken: nextToken,
      }),
    );
    all.push(...(page.CommandInvocations ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return all;
}

/** One server's result, with the end of deploy.sh's output (GetCommandInvocation keeps the most). */
async function serverResult(
  ctx: RolloutContext,
  commandId: string,
  release: Release,
  invocation: CommandInvocation,
): Promise<ServerResult> {
  const instanceId = invocation.InstanceId ?? '?';
  const plugin = invocation.CommandPlugins?.[0];
  let output = plugin?.Output ?? '';
  let responseCode = plugin?.ResponseCode ?? -1;
  if (invocation.Status === 'Success' || invocation.Status === 'Failed') {
    try {
      const detail = await ctx.ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      output = [detail.StandardOutputContent ?? '', detail.StandardErrorContent ?? ''].join('\n');
      responseCode = detail.ResponseCode ?? responseCode;
    } catch (error) {
      ctx.log(
        `Could not read the output of ${instanceId}: ${awsErrorName(error) ?? String(error)} (the summary shows the first part SSM listed)`,
      );
    }
  }
  return {
    instanceId,
    service: release.service,
    artifact: release.artifact,
    status: invocation.Status ?? 'unknown',
    statusDetails: invocation.StatusDetails ?? '',
    responseCode,
    outputTail: lastLines(output),
  };
}
