import { booleanString, input, parseInputs, sha256Hex, type Env } from '@pipelines/action-kit';
import { z } from 'zod';
import type { Hashes, TestCounts } from './notes';

const rerun = 'An earlier job did not produce it: re-run the pipeline.';
/** A value the deploy verifies: required, as the release candidate is nothing without it. */
const required = (what: string) =>
  input(z.string().min(1), `The release candidate has no ${what}. ${rerun}`);

const specs = {
  environment: input(
    z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, 'expected an environment name such as prod'),
    "Pass the resolve job's environment output.",
  ),
  approval: input(
    booleanString.default(false),
    "Pass the resolve job's approval output (true or false).",
  ),
  'github-token': input(
    z.string().min(1),
    'Pass github-token: ${{ github.token }} and give the job `deployments: read` and `contents: read`.',
  ),
  repository: input(
    z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected owner/repo'),
    'Leave repository at its default (${{ github.repository }}).',
  ),
  'server-url': input(
    z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
    'Leave server-url at its default (${{ github.server_url }}).',
  ),
  ref: input(z.string().min(1), 'Leave ref at its default (${{ github.ref_name }}).'),
  commit: input(
    z.string().regex(/^[0-9a-f]{40}$/, 'expected a full commit sha'),
    `The release candidate has no commit. Leave commit at its default (\${{ github.sha }}).`,
  ),
  'package-sha256': input(sha256Hex, `The release candidate has no package sha256. ${rerun}`),
  bucket: required('S3 bucket'),
  key: required('S3 key'),
  'version-id': required('S3 VersionId'),
  'function-name': required('function name'),
  'image-digest': input(
    z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex characters>'),
    `The release candidate has no image digest. ${rerun}`,
  ),
  'image-uri': required('image URI'),
  'package-file': input(z.string().optional(), 'Give the path of the downloaded package zip.'),
  'image-layout': input(
    z.string().optional(),
    'Give the folder of the downloaded OCI image layout.',
  ),
  'jest-counts': input(z.string().optional(), "Pass the test-jest job's counts output."),
  'mocha-counts': input(z.string().optional(), "Pass the test-mocha job's counts output."),
  'audit-result': input(z.string().optional(), 'Pass needs.audit.result.'),
};

export interface Inputs {
  environment: string;
  approval: boolean;
  token: string;
  owner: string;
  repo: string;
  repository: string;
  serverUrl: string;
  ref: string;
  hashes: Hashes;
  packageFile?: string;
  imageLayout?: string;
  jestCounts?: string;
  mochaCounts?: string;
  auditResult?: string;
}

/** The runner's own variables stand in for the inputs whose defaults are the github context. */
const FALLBACKS: Record<string, string> = {
  repository: 'GITHUB_REPOSITORY',
  'server-url': 'GITHUB_SERVER_URL',
  ref: 'GITHUB_REF_NAME',
  commit: 'GITHUB_SHA',
};

export function getInputs(env: Env = process.env): Inputs {
  const filled: Record<string, string | undefined> = { ...env };
  for (const [name, variable] of Object.entries(FALLBACKS)) {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
    if (!filled[key]?.trim()) filled[key] = env[variable];
  }
  const p = parseInputs(specs, filled);
  const [owner, repo] = p.repository.split('/') as [string, string];
  return {
    environment: p.environment,
    approval: p.approval,
    token: p.githubToken,
    owner,
    repo,
    repository: p.repository,
    serverUrl: p.serverUrl,
    ref: p.ref,
    hashes: {
      commit: p.commit,
      packageSha256: p.packageSha256,
      bucket: p.bucket,
      key: p.key,
      versionId: p.versionId,
      functionName: p.functionName,
      imageDigest: p.imageDigest,
      imageUri: p.imageUri,
    },
    ...(p.packageFile ? { packageFile: p.packageFile } : {}),
    ...(p.imageLayout ? { imageLayout: p.imageLayout } : {}),
    ...(p.jestCounts ? { jestCounts: p.jestCounts } : {}),
    ...(p.mochaCounts ? { mochaCounts: p.mochaCounts } : {}),
    ...(p.auditResult ? { auditResult: p.auditResult } : {}),
  };
}

/**
 * A test job's counts output (`{"passed":n,"failed":n,"skipped":n}`), or undefined when it is
 * missing or not that shape: the counts are information, never a reason to stop a release.
 */
export function parseCounts(text: string | undefined): TestCounts | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const count = (v: unknown) =>
      typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
    const passed = count(value.passed);
    const failed = count(value.failed);
    if (passed === undefined || failed === undefined) return undefined;
    return { passed, failed, skipped: count(value.skipped) ?? 0 };
  } catch {
    return undefined;
  }
}
