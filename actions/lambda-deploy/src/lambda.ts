/**
 * The Lambda calls of a deploy. Calls that change the function retry the "update in progress"
 * conflict, and waits poll with the shared retry (jittered, bounded backoff) until a deadline,
 * so nothing sleeps a fixed time.
 */
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { ActionError, awsErrorName } from '@pipelines/action-kit/errors';
import { retry, type Sleep } from '@pipelines/action-kit/retry';
import { readiness } from './decide';
import type { CodeSource } from './inputs';

export interface Ctx {
  lambda: LambdaClient;
  /** Absolute time (ms) after which no wait or retry starts. */
  deadline: number;
  log: (message: string) => void;
  sleep?: Sleep;
  now?: () => number;
}

/** Thrown while the function is still updating: the signal for the poll to try again. */
class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

const retryable = (error: unknown) =>
  error instanceof NotReadyError || awsErrorName(error) === 'ResourceConflictException';

function withRetry<T>(ctx: Ctx, label: string, fn: () => Promise<T>): Promise<T> {
  return retry(fn, {
    label,
    maxAttempts: 100, // the deadline is the real bound
    baseDelayMs: 500,
    maxDelayMs: 10_000,
    deadline: ctx.deadline,
    isRetryable: retryable,
    sleep: ctx.sleep,
    now: ctx.now,
    onRetry: ({ attempt, delayMs, error }) =>
      ctx.log(
        `${label}: ${error instanceof Error ? error.message : String(error)}; attempt ${attempt + 1} in ${delayMs} ms`,
      ),
  });
}

export async function getConfiguration(
  ctx: Ctx,
  functionName: string,
  qualifier?: string,
): Promise<FunctionConfiguration> {
  try {
    return await ctx.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: qualifier }),
    );
  } catch (error) {
    const what = `read function "${functionName}"${qualifier ? ` (${qualifier})` : ''}`;
    if (awsErrorName(error) === 'ResourceNotFoundException') {
      throw new ActionError(
        what,
        'it does not exist',
        'Create it first (infra/), or check function-name and aws-region',
      );
    }
    throw new ActionError(what, error, 'Check that the role may lambda:GetFunctionConfiguration');
  }
}

/**
 * Waits until the function's last update has finished; a failed update is final. `known`, a
 * configuration the caller has just read, stands for the first poll, so a function that is
 * already ready costs no further call.
 */
export function waitUntilReady(
  ctx: Ctx,
  functionName: string,
  known?: FunctionConfiguration,
): Promise<FunctionConfiguration> {
  let fresh = known;
  return withRetry(ctx, `wait for function "${functionName}" to finish updating`, async () => {
    const config = fresh ?? (await getConfiguration(ctx, functionName));
    fresh = undefined;
    const state = readiness(config);
    if ('failed' in state) throw new ActionError(`update function "${functionName}"`, state.failed);
    if (!state.ready) throw new NotReadyError(state.reason);
    return config;
  });
}

/** New code for $LATEST: an exact S3 object version (never "latest"), or the zip's bytes. */
export type Code =
  { S3Bucket: string; S3Key: string; S3ObjectVersion: string } | { ZipFile: Uint8Array };

/** The code to send for a deploy's source (a roll-back to a version sends none). */
function codeOf(source: Code | CodeSource, zip: Uint8Array | undefined): Code {
  if (!('kind' in source)) return source;
  if (source.kind === 's3') {
    return { S3Bucket: source.bucket, S3Key: source.key, S3ObjectVersion: source.version };
  }
  if (source.kind === 'zip' && zip) return { ZipFile: zip };
  throw new Error(`no code to send for a ${source.kind} source`);
}

export function updateCode(
  ctx: Ctx,
  functionName: string,
  source: Code | CodeSource,
  zip?: Uint8Array,
): Promise<FunctionConfiguration> {
  const code = codeOf(source, zip);
  return withRetry(ctx, `update the code of "${functionName}"`, () =>
    ctx.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: functionName, Publish: false, ...code }),
    ),
  );
}

/**
 * Publishes $LATEST as a version (Lambda returns the newest version instead when nothing changed
 * since it was published). CodeSha256 makes Lambda itself refuse if the code is no longer the one
 * read (someone updated it in between); RevisionId does the same for any other change.
 */
export function publishVersion(
  ctx: Ctx,
  functionName: string,
  codeSha256Base64: string | undefined,
  revisionId: string | undefined,
  description?: string,
): Promise<FunctionConfiguration> {
  return withRetry(ctx, `publish a version of "${functionName}"`, () =>
    ctx.lambda.send(
      new PublishVersionCommand({
        FunctionName: functionName,
        CodeSha256: codeSha256Base64,
        RevisionId: revisionId,
        ...(description ? { Description: description } : {}),
      }),
    ),
  );
}

export interface AliasState {
  version: string;
  revisionId: string | undefined;
  arn: string | undefined;
}

export async function getAlias(
  ctx: Ctx,
  functionName: string,
  alias: string,
): Promise<AliasState | undefined> {
  try {
    const out = await ctx.lambda.send(
      new GetAliasCommand({ FunctionName: functionName, Name: alias }),
    );
    return { version: out.FunctionVersion ?? '', revisionId: out.RevisionId, arn: out.AliasArn };
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
    throw new ActionError(
      `read alias "${alias}" of "${functionName}"`,
      error,
      'Check that the role may lambda:GetAlias',
    );
  }
}

/**
 * Points the alias at `version`, only if it is unchanged since `expectedRevisionId` was read
 * (Lambda answers PreconditionFailedException otherwise), or creates it when it did not exist.
 */
export async function setAlias(
  ctx: Ctx,
  functionName: string,
  alias: string,
  version: string,
  current: AliasState | undefined,
): Promise<AliasState> {
  const out = current
    ? await withRetry(ctx, `move alias "${alias}" of "${functionName}"`, () =>
        ctx.lambda.send(
          new UpdateAliasCommand({
            FunctionName: functionName,
            Name: alias,
            FunctionVersion: version,
            RevisionId: current.revisionId,
          }),
        ),
      )
    : // No retry: a conflict here means someone else created the alias meanwhile.
      await ctx.lambda.send(
        new CreateAliasCommand({
          FunctionName: functionName,
          Name: alias,
          FunctionVersion: version,
        }),
      );
  return { version: out.FunctionVersion ?? version, revisionId: out.RevisionId, arn: out.AliasArn };
}

export async function deleteAlias(ctx: Ctx, functionName: string, alias: string): Promise<void> {
  await ctx.lambda.send(new DeleteAliasCommand({ FunctionName: functionName, Name: alias }));
}
