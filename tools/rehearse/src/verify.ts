/**
 * Whether the deploy really happened, asked of the local AWS and the registry, never of the logs:
 * the function's CodeSha256 is the sha256 of the S3 object version the pipeline uploaded (hashed
 * here from its bytes), that version exists, the alias that serves traffic points at a published
 * version running that code, and the registry serves the image digest.
 * `observe` does the I/O; `judge` is the pure decision.
 */
import { createHash } from 'node:crypto';
import { GetAliasCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { sha256Base64ToHex } from '@pipelines/action-kit';
import type { LocalAwsClients } from './provision';

/** What the pipeline said it produced (from its step outputs); each value is checked below. */
export interface Claims {
  environment: string;
  functionName: string;
  /** The alias that serves traffic (resolve-environment's function-alias). */
  alias: string;
  bucket: string;
  key: string;
  versionId?: string;
  repository: string;
  digest?: string;
  /** Every image the pipeline pushed, when it listed them (else the one repository and digest). */
  images?: readonly ImageClaim[];
}

export interface ImageClaim {
  repository: string;
  digest: string;
}

/** The images to find in the registry: the list the pipeline reported, or its one image. */
export const imagesClaimed = (claims: Claims): readonly ImageClaim[] =>
  claims.images ??
  (claims.digest ? [{ repository: claims.repository, digest: claims.digest }] : []);

/** What the local AWS and the registry say. */
export interface Observation {
  functionSha256?: string;
  /** Where the alias points, and the hex sha256 of that version's code; undefined if no alias. */
  alias?: { version: string; sha256?: string };
  /** sha256 of the bytes of the claimed S3 object version; undefined when it does not exist. */
  objectSha256?: string;
  objectError?: string;
  /** For every image claimed, the registry answered its manifest by digest, bytes hashing to it. */
  registryServesDigest: boolean;
  /** The images (repository@digest) it did not serve so. */
  unserved?: string[];
}

export interface Verdict {
  deployed: boolean;
  problems: string[];
}

/**
 * deployed: the function runs the uploaded package and the image is in the registry.
 * `expectUnchanged` (the hold): the function must still run `placeholderSha256`.
 */
export function judge(
  claims: Claims,
  seen: Observation,
  options: { expectUnchanged?: string } = {},
): Verdict {
  const problems: string[] = [];
  if (!claims.versionId) problems.push('the pipeline reported no S3 VersionId');
  else if (!seen.objectSha256)
    problems.push(
      `S3 has no version ${claims.versionId} of s3://${claims.bucket}/${claims.key}${seen.objectError ? ` (${seen.objectError})` : ''}`,
    );
  if (!claims.digest) problems.push('the pipeline reported no image digest');
  else {
    if (!seen.registryServesDigest)
      problems.push(
        `the registry does not serve ${(seen.unserved ?? [`${claims.repository}@${claims.digest}`]).join(', ')}`,
      );
  }
  if (!seen.functionSha256) problems.push(`function ${claims.functionName} does not exist`);
  const served = `${claims.functionName}:${claims.alias}`;
  if (!seen.alias) problems.push(`alias ${served} does not exist`);
  else if (!/^\d+$/.test(seen.alias.version))
    problems.push(`alias ${served} points at ${seen.alias.version}, not a published version`);
  if (options.expectUnchanged !== undefined) {
    if (seen.functionSha256 !== options.expectUnchanged)
      problems.push(
        `${claims.functionName} changed before approval: CodeSha256 ${seen.functionSha256 ?? 'none'}`,
      );
    if (seen.alias && seen.alias.sha256 !== options.expectUnchanged)
      problems.push(
        `alias ${served} moved before approval: it serves version ${seen.alias.version} (${seen.alias.sha256 ?? 'unknown code'})`,
      );
    return { deployed: false, problems };
  }
  if (seen.alias && seen.objectSha256 && seen.alias.sha256 !== seen.objectSha256)
    problems.push(
      `alias ${served} serves version ${seen.alias.version} running ${seen.alias.sha256 ?? 'unknown code'}, not the uploaded package ${seen.objectSha256}`,
    );
  if (seen.functionSha256 && seen.objectSha256 && seen.functionSha256 !== seen.objectSha256)
    problems.push(
      `${claims.functionName} runs ${seen.functionSha256}, not the uploaded package ${seen.objectSha256}`,
    );
  return { deployed: problems.length === 0, problems };
}

export async function observe(
  clients: LocalAwsClients,
  registryEndpoint: string,
  claims: Claims,
): Promise<Observation> {
  const seen: Observation = { registryServesDigest: false };
  try {
    const fn = await clients.lambda.send(
      new GetFunctionCommand({ FunctionName: claims.functionName }),
    );
    const code = fn.Configuration?.CodeSha256;
    seen.functionSha256 = code ? (sha256Base64ToHex(code) ?? code) : undefined;
  } catch {
    // absent: judged below
  }
  try {
    const alias = await clients.lambda.send(
      new GetAliasCommand({ FunctionName: claims.functionName, Name: claims.alias }),
    );
    const version = alias.FunctionVersion ?? '';
    const code = await clients.lambda.send(
      new GetFunctionCommand({ FunctionName: claims.functionName, Qualifier: version }),
    );
    const sha = code.Configuration?.CodeSha256;
    seen.alias = { version, sha256: sha ? (sha256Base64ToHex(sha) ?? sha) : undefined };
  } catch {
    // no alias (or no such version): judged below
  }
  if (claims.versionId) {
    try {
      const object = await clients.s3.send(
        new GetObjectCommand({
          Bucket: claims.bucket,
          Key: claims.key,
          VersionId: claims.versionId,
        }),
      );
      const bytes = await object.Body?.transformToByteArray();
      if (bytes) seen.objectSha256 = createHash('sha256').update(bytes).digest('hex');
    } catch (error) {
      seen.objectError = error instanceof Error ? error.name : String(error);
    }
  }
  // Not asked of moto's ECR: a push over the registry API is ECR's record of an image, and moto
  // has no registry protocol (actions/ecr-push makes no PutImage call, on purpose).
  const unserved: string[] = [];
  for (const image of imagesClaimed(claims)) {
    if (!(await servedByDigest(registryEndpoint, image))) {
      unserved.push(`${image.repository}@${image.digest}`);
    }
  }
  seen.registryServesDigest = imagesClaimed(claims).length > 0 && unserved.length === 0;
  if (unserved.length > 0) seen.unserved = unserved;
  return seen;
}

/** The registry answers the manifest by digest, and its bytes hash to that digest. */
async function servedByDigest(registryEndpoint: string, image: ImageClaim): Promise<boolean> {
  const response = await fetch(
    `${registryEndpoint}/v2/${image.repository}/manifests/${image.digest}`,
    {
      headers: {
        accept: [
          'application/vnd.oci.image.manifest.v1+json',
          'application/vnd.oci.image.index.v1+json',
          'application/vnd.docker.distribution.manifest.v2+json',
        ].join(', '),
      },
    },
  ).catch(() => undefined);
  if (!response?.ok) return false;
  const body = Buffer.from(await response.arrayBuffer());
  return `sha256:${createHash('sha256').update(body).digest('hex')}` === image.digest;
}
