/**
 * A snapshot of everything the actions could change in the local AWS (moto) and the local OCI
 * registry, as plain data: compare two snapshots to prove a failed run changed nothing.
 */
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import {
  GetBucketVersioningCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
} from '@aws-sdk/client-s3';
import type { LocalAwsClients } from '@pipelines/testkit';

/** SDK clients talking straight to moto (never through a fault proxy). */
export { localAwsClients, type LocalAwsClients } from '@pipelines/testkit';

export interface Snapshot {
  buckets: Record<
    string,
    {
      versioning: string;
      versions: string[];
      deleteMarkers: string[];
      multipartUploads: string[];
    }
  >;
  functions: Record<string, { codeSha256: string; versions: string[]; aliases: string[] }>;
  repositories: string[];
  registry: Record<string, string[]>;
}

export async function snapshotAws(clients: LocalAwsClients): Promise<Omit<Snapshot, 'registry'>> {
  const { s3, lambda, ecr } = clients;
  const buckets: Snapshot['buckets'] = {};
  for (const { Name } of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
    if (!Name) continue;
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: Name }));
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: Name }));
    buckets[Name] = {
      versioning:
        (await s3.send(new GetBucketVersioningCommand({ Bucket: Name }))).Status ?? 'never',
      versions: (versions.Versions ?? []).map(
        (v) => `${v.Key}@${v.VersionId} ${v.ETag} ${v.Size}${v.IsLatest ? ' latest' : ''}`,
      ),
      deleteMarkers: (versions.DeleteMarkers ?? []).map((d) => `${d.Key}@${d.VersionId}`),
      multipartUploads: (uploads.Uploads ?? []).map((u) => `${u.Key} ${u.UploadId}`),
    };
  }
  const functions: Snapshot['functions'] = {};
  for (const fn of (await lambda.send(new ListFunctionsCommand({}))).Functions ?? []) {
    const name = fn.FunctionName ?? '';
    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    const aliases = await lambda.send(new ListAliasesCommand({ FunctionName: name }));
    functions[name] = {
      codeSha256: fn.CodeSha256 ?? '',
      versions: (versions.Versions ?? []).map((v) => `${v.Version} ${v.CodeSha256}`),
      aliases: (aliases.Aliases ?? []).map((a) => `${a.Name}->${a.FunctionVersion}`),
    };
  }
  const repositories = (
    (await ecr.send(new DescribeRepositoriesCommand({}))).repositories ?? []
  ).map((r) => r.repositoryName ?? '');
  return { buckets, functions, repositories: repositories.sort() };
}

/** Every repository of the registry's catalog with its tags. */
export async function snapshotRegistry(endpoint: string): Promise<Snapshot['registry']> {
  const catalog = (await (await fetch(`${endpoint}/v2/_catalog`)).json()) as {
    repositories?: string[];
  };
  const result: Snapshot['registry'] = {};
  for (const repo of catalog.repositories ?? []) {
    const tags = (await (await fetch(`${endpoint}/v2/${repo}/tags/list`)).json()) as {
      tags?: string[] | null;
    };
    result[repo] = [...(tags.tags ?? [])].sort();
  }
  return result;
}

export async function snapshot(
  clients: LocalAwsClients,
  registryEndpoint: string,
): Promise<Snapshot> {
  return { ...(await snapshotAws(clients)), registry: await snapshotRegistry(registryEndpoint) };
}
