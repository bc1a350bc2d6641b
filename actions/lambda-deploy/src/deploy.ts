/**
 * A deploy, in order: read-only checks (function exists, where the alias points), update the code
 * from the exact package, wait, verify its sha256, publish, then move the alias only if nobody
 * moved it meanwhile, verify, and move it back if anything fails after it moved.
 */
import { ActionError, awsErrorName, errorMessage } from '@pipelines/shared/src/errors';
import { sha256HexToBase64 } from '@pipelines/shared/src/checksum';
import { aliasMovedProblem, codeShaProblem } from './decide';
import type { Inputs } from './inputs';
import {
  deleteAlias,
  getAlias,
  getConfiguration,
  publishVersion,
  setAlias,
  updateCode,
  waitUntilReady,
  type AliasState,
  type Ctx,
} from './lambda';

export interface DeployResult {
  /** The published version, or $LATEST when publish is false. */
  version: string;
  /** Hex sha256 of the deployed code (equal to the expected one, or the deploy failed). */
  codeSha256: string;
  /** Where the alias pointed before ('' without an alias, or when the alias is new). */
  previousVersion: string;
  functionArn: string;
  aliasArn: string | undefined;
}

export async function deploy(
  ctx: Ctx,
  inputs: Readonly<Inputs>,
  expectedSha256: string,
  zip?: Uint8Array,
): Promise<DeployResult> {
  const fn = inputs.functionName;
  const before = await getConfiguration(ctx, fn);
  const aliasAtStart = inputs.alias ? await getAlias(ctx, fn, inputs.alias) : undefined;
  if (inputs.alias) {
    ctx.log(
      `Alias "${inputs.alias}" points at ${aliasAtStart ? `version ${aliasAtStart.version}` : 'nothing yet'}.`,
    );
  }
  // The first read is the wait's first poll: a function that is not updating is not read again.
  const ready = await waitUntilReady(ctx, fn, before);
  let updated = ready;
  if (codeShaProblem(ready.CodeSha256, expectedSha256) === undefined) {
    // A re-run: the code is already the package. Not updating keeps the re-run free (no new
    // version published, no cold starts); the checks below still run, on the read just made.
    ctx.log(`Function "${fn}" already runs code with sha256 ${expectedSha256}; not updating it.`);
  } else {
    ctx.log(`Function "${fn}" runs code ${ready.CodeSha256 ?? '(unknown)'}; updating it.`);
    await updateCode(ctx, fn, inputs.source, zip);
    updated = await waitUntilReady(ctx, fn);
  }
  const mismatch = codeShaProblem(updated.CodeSha256, expectedSha256);
  if (mismatch) {
    throw new ActionError(
      `verify the code of "${fn}"`,
      mismatch,
      `$LATEST now holds this code, but no version was published and no alias moved. Check that s3-object-version and expected-sha256 come from the same s3-upload step`,
    );
  }
  ctx.log(`Code verified: sha256 ${expectedSha256}.`);

  if (!inputs.publish) {
    return {
      version: '$LATEST',
      codeSha256: expectedSha256,
      previousVersion: '',
      functionArn: updated.FunctionArn ?? '',
      aliasArn: undefined,
    };
  }
  const published = await publishVersion(
    ctx,
    fn,
    sha256HexToBase64(expectedSha256),
    updated.RevisionId,
  );
  const version = published.Version;
  if (!version || version === '$LATEST') {
    throw new ActionError(
      `publish a version of "${fn}"`,
      `Lambda returned version ${JSON.stringify(version ?? null)}`,
    );
  }
  const publishedMismatch = codeShaProblem(published.CodeSha256, expectedSha256);
  if (publishedMismatch) {
    throw new ActionError(
      `verify published version ${version} of "${fn}"`,
      publishedMismatch,
      'Do not route traffic to it',
    );
  }
  ctx.log(`Published version ${version}.`);

  const result: DeployResult = {
    version,
    codeSha256: expectedSha256,
    previousVersion: aliasAtStart?.version ?? '',
    functionArn: published.FunctionArn ?? '',
    aliasArn: undefined,
  };
  if (!inputs.alias) return result;
  if (aliasAtStart?.version === version) {
    ctx.log(`Alias "${inputs.alias}" already points at version ${version}.`);
    await verifyAlias(ctx, fn, inputs.alias, version, expectedSha256);
    return { ...result, aliasArn: aliasAtStart.arn };
  }
  const moved = await moveAlias(ctx, fn, inputs.alias, version, aliasAtStart);
  try {
    await verifyAlias(ctx, fn, inputs.alias, version, expectedSha256);
  } catch (error) {
    throw await rollBack(ctx, fn, inputs.alias, aliasAtStart, moved, error);
  }
  ctx.log(
    `Alias "${inputs.alias}" moved from ${result.previousVersion || 'nothing'} to version ${version}.`,
  );
  return { ...result, aliasArn: moved.arn };
}

/** Compare-before-set: re-read the alias, refuse if it moved, and send the RevisionId we read. */
async function moveAlias(
  ctx: Ctx,
  fn: string,
  alias: string,
  version: string,
  atStart: AliasState | undefined,
): Promise<AliasState> {
  const now = await getAlias(ctx, fn, alias);
  const movedProblem = aliasMovedProblem(alias, atStart?.version, now?.version);
  const refuse = (why: unknown) =>
    new ActionError(
      `move alias "${alias}" to version ${version}`,
      why,
      `Version ${version} is published but the alias was left alone. Re-run this deploy once the other one has finished`,
    );
  if (movedProblem) throw refuse(movedProblem);
  try {
    return await setAlias(ctx, fn, alias, version, atStart);
  } catch (error) {
    const name = awsErrorName(error);
    if (
      name === 'PreconditionFailedException' ||
      (!atStart && name === 'ResourceConflictException')
    ) {
      throw refuse(aliasMovedProblem(alias, atStart?.version, '(changed)') ?? error);
    }
    throw new ActionError(`move alias "${alias}" to version ${version}`, error);
  }
}

/** After the move: the alias must point at our version, and serve our code. */
async function verifyAlias(
  ctx: Ctx,
  fn: string,
  alias: string,
  version: string,
  sha256: string,
): Promise<void> {
  const now = await getAlias(ctx, fn, alias);
  if (now?.version !== version) {
    throw new Error(
      `alias "${alias}" points at ${now?.version ?? 'nothing'}, not version ${version}`,
    );
  }
  const served = await getConfiguration(ctx, fn, alias);
  const mismatch = codeShaProblem(served.CodeSha256, sha256);
  if (mismatch) throw new Error(`through alias "${alias}": ${mismatch}`);
}

/** Puts the alias back where it was (or deletes it if we created it); the error says what happened. */
async function rollBack(
  ctx: Ctx,
  fn: string,
  alias: string,
  atStart: AliasState | undefined,
  moved: AliasState,
  cause: unknown,
): Promise<Error> {
  const back = atStart ? `version ${atStart.version}` : 'nothing (deleted)';
  try {
    if (atStart) {
      // Conditional on our own move's RevisionId: if another deploy moved it since, leave it be.
      await setAlias(ctx, fn, alias, atStart.version, moved);
    } else {
      await deleteAlias(ctx, fn, alias);
    }
    ctx.log(`Rolled alias "${alias}" back to ${back}.`);
    return new ActionError(
      `deploy "${fn}" behind alias "${alias}"`,
      cause,
      `The alias was rolled back to ${back}`,
    );
  } catch (rollbackError) {
    const manual = atStart
      ? `aws lambda update-alias --function-name ${fn} --name ${alias} --function-version ${atStart.version}`
      : `aws lambda delete-alias --function-name ${fn} --name ${alias}`;
    return new ActionError(
      `deploy "${fn}" behind alias "${alias}"`,
      `${errorMessage(cause)}; rolling the alias back to ${back} ALSO failed: ${errorMessage(rollbackError)}`,
      `The alias may still point at the new version. Restore it by hand: ${manual}`,
    );
  }
}
