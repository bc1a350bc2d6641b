/**
 * A deploy, in order: read-only checks (function exists, where the alias points, the package's
 * exact S3 object version holds bytes with the expected sha256), then save the running code as a
 * version, update the code from the exact package, wait, verify its sha256 (restoring the saved
 * code if it is not the package), publish, then move the alias only if nobody moved it meanwhile,
 * verify, and move it back if anything fails after it moved. A deploy refused by a check changes
 * nothing; one that fails after changing something puts back what it changed.
 */
import { ActionError, awsErrorName, errorMessage } from '@pipelines/action-kit/errors';
import { sha256Base64ToHex, sha256HexToBase64 } from '@pipelines/action-kit/checksum';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import {
  aliasMovedProblem,
  codeShaProblem,
  sourceDescription,
  sourceOfDescription,
} from './decide';
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
import type { S3Client } from '@aws-sdk/client-s3';
import { objectUrl, readObjectVersion, sha256Hex, verifyObjectVersion } from './source';

/** A deploy also reads the package's object version (checked before the update, and restores). */
export type DeployCtx = Ctx & { s3: S3Client };
import { MAX_DIRECT_ZIP_BYTES } from './zip';

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
  ctx: DeployCtx,
  inputs: Readonly<Inputs>,
  expectedSha256: string,
  zip?: Uint8Array,
): Promise<DeployResult> {
  const fn = inputs.functionName;
  const source = inputs.source;
  const before = await getConfiguration(ctx, fn);
  const aliasAtStart = inputs.alias ? await getAlias(ctx, fn, inputs.alias) : undefined;
  if (inputs.alias) {
    ctx.log(
      `Alias "${inputs.alias}" points at ${aliasAtStart ? `version ${aliasAtStart.version}` : 'nothing yet'}.`,
    );
  }
  if (source.kind === 'version') {
    return pointAliasAt(ctx, inputs, source.version, expectedSha256, aliasAtStart);
  }
  if (source.kind === 's3') {
    const proof = await verifyObjectVersion(ctx.s3, source, expectedSha256);
    ctx.log(`${objectUrl(source)} holds the package (sha256 ${expectedSha256}, ${proof}).`);
  }
  // The first read is the wait's first poll: a function that is not updating is not read again.
  const ready = await waitUntilReady(ctx, fn, before);
  let updated = ready;
  if (codeShaProblem(ready.CodeSha256, expectedSha256) === undefined) {
    // A re-run: the code is already the package. Not updating keeps the re-run free (no new
    // version published, no cold starts); the checks below still run, on the read just made.
    ctx.log(`Function "${fn}" already runs code with sha256 ${expectedSha256}; not updating it.`);
  } else {
    const saved = await saveRunningCode(ctx, fn, ready);
    ctx.log(`Function "${fn}" runs code ${ready.CodeSha256 ?? '(unknown)'}; updating it.`);
    await updateCode(ctx, fn, source, zip);
    updated = await waitUntilReady(ctx, fn);
    const mismatch = codeShaProblem(updated.CodeSha256, expectedSha256);
    if (mismatch) throw await restoreCode(ctx, fn, saved, mismatch);
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
    source.kind === 's3' ? sourceDescription(source) : undefined,
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
  return {
    ...result,
    aliasArn: await routeAlias(ctx, fn, inputs.alias, version, expectedSha256, aliasAtStart),
  };
}

/**
 * Rolls back to (or re-routes to) a version already published: its code must have the expected
 * sha256 before the alias moves to it. $LATEST is not touched.
 */
async function pointAliasAt(
  ctx: DeployCtx,
  inputs: Readonly<Inputs>,
  version: string,
  expectedSha256: string,
  aliasAtStart: AliasState | undefined,
): Promise<DeployResult> {
  const fn = inputs.functionName;
  const alias = inputs.alias ?? '';
  const target = await getConfiguration(ctx, fn, version);
  const problem = codeShaProblem(target.CodeSha256, expectedSha256);
  if (problem) {
    throw new ActionError(
      `point alias "${alias}" at version ${version} of "${fn}"`,
      `version ${version}: ${problem}`,
      `Nothing was changed. Pass the sha256 of the package version ${version} runs (the deploy that published it shows it in its summary)`,
    );
  }
  ctx.log(`Version ${version} runs code with sha256 ${expectedSha256}.`);
  const aliasArn = await routeAlias(ctx, fn, alias, version, expectedSha256, aliasAtStart);
  return {
    version,
    codeSha256: expectedSha256,
    previousVersion: aliasAtStart?.version ?? '',
    functionArn: target.FunctionArn ?? '',
    aliasArn,
  };
}

/** Moves the alias to a verified version (compare-before-set), verifies, rolls back on failure. */
async function routeAlias(
  ctx: DeployCtx,
  fn: string,
  alias: string,
  version: string,
  expectedSha256: string,
  aliasAtStart: AliasState | undefined,
): Promise<string | undefined> {
  if (aliasAtStart?.version === version) {
    ctx.log(`Alias "${alias}" already points at version ${version}.`);
    await verifyAlias(ctx, fn, alias, version, expectedSha256);
    return aliasAtStart.arn;
  }
  const moved = await moveAlias(ctx, fn, alias, version, aliasAtStart);
  try {
    await verifyAlias(ctx, fn, alias, version, expectedSha256);
  } catch (error) {
    throw await rollBack(ctx, fn, alias, aliasAtStart, moved, error);
  }
  ctx.log(
    `Alias "${alias}" moved from ${aliasAtStart?.version ?? 'nothing'} to version ${version}.`,
  );
  return moved.arn;
}

/**
 * Publishes the code $LATEST runs before it is replaced, so it can be put back (Lambda returns the
 * newest version when that is already it, as after every deploy of this action).
 */
async function saveRunningCode(
  ctx: DeployCtx,
  fn: string,
  ready: FunctionConfiguration,
): Promise<FunctionConfiguration> {
  try {
    const saved = await publishVersion(ctx, fn, ready.CodeSha256, ready.RevisionId);
    ctx.log(`The running code is version ${saved.Version ?? '?'} (kept to restore from).`);
    return saved;
  } catch (error) {
    throw new ActionError(
      `keep the running code of "${fn}" as a version before updating it`,
      error,
      'Nothing was changed. Check that the role may lambda:PublishVersion, and re-run once no other deploy is updating the function',
    );
  }
}

/**
 * After an update whose code is not the package: puts $LATEST back to the saved version's code,
 * read from the exact S3 object version its description records (sent as a zip up to Lambda's
 * limit), and returns the error to fail with, saying what was restored or what to do by hand.
 */
async function restoreCode(
  ctx: DeployCtx,
  fn: string,
  saved: FunctionConfiguration,
  mismatch: string,
): Promise<ActionError> {
  const savedHex = sha256Base64ToHex(saved.CodeSha256 ?? '') ?? '(unknown)';
  const what = `verify the code of "${fn}"`;
  try {
    const source = sourceOfDescription(saved.Description);
    if (!source) {
      throw new Error(
        `version ${saved.Version ?? '?'} records no S3 object version to restore from`,
      );
    }
    const bytes = await readObjectVersion(ctx.s3, source);
    if (sha256Hex(bytes) !== savedHex) {
      throw new Error(`${objectUrl(source)} does not hold version ${saved.Version ?? '?'}'s code`);
    }
    await updateCode(
      ctx,
      fn,
      bytes.length <= MAX_DIRECT_ZIP_BYTES
        ? { ZipFile: bytes }
        : { S3Bucket: source.bucket, S3Key: source.key, S3ObjectVersion: source.version },
    );
    const back = codeShaProblem((await waitUntilReady(ctx, fn)).CodeSha256, savedHex);
    if (back) throw new Error(back);
    ctx.log(`Restored $LATEST to the code of version ${saved.Version ?? '?'}.`);
    return new ActionError(
      what,
      mismatch,
      `$LATEST was restored to the code of version ${saved.Version ?? '?'} (sha256 ${savedHex}), no version was published and no alias moved. Check that s3-object-version and expected-sha256 come from the same s3-upload step`,
    );
  } catch (restoreError) {
    const v = saved.Version ?? '<version>';
    return new ActionError(
      what,
      `${mismatch}; restoring $LATEST to the code of version ${v} ALSO failed: ${errorMessage(restoreError)}`,
      'No version was published and no alias moved, so the alias still serves what it served. ' +
        `Restore $LATEST by hand: download the code of version ${v} from the URL that ` +
        `aws lambda get-function --function-name ${fn} --qualifier ${v} --query Code.Location --output text ` +
        `prints, then aws lambda update-function-code --function-name ${fn} --zip-file fileb://<the downloaded zip>`,
    );
  }
}

/** Compare-before-set: re-read the alias, refuse if it moved, and send the RevisionId we read. */
async function moveAlias(
  ctx: DeployCtx,
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
  ctx: DeployCtx,
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
  ctx: DeployCtx,
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
