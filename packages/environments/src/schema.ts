/**
 * The shape of environments.yml (version 1). Every object is strict: an unknown key is a typo
 * until proven otherwise, and a typo in a routing table silently deploys the wrong thing.
 * Values are checked here for type and form; cross-references (tiers, overlaps, names) in load.ts.
 */
import { z } from 'zod';
import { AWS_REGION, isEcrRepository, isLambdaAlias, isS3Bucket, isSsmDocumentName } from './names';
import type { PathSegment } from './source';

const nameList = z.array(z.string().min(1, 'must not be empty')).default([]);
const patternList = z.array(z.string().min(1, 'must not be empty')).default([]);

const tierSchema = z.strictObject({
  bucket: z.string().refine(isS3Bucket, 'not a valid S3 bucket name'),
  // The one environment whose deploys roll out to the tier's servers (load.ts checks it).
  servers: z.string().min(1, 'must not be empty').optional(),
});

const environmentSchema = z.strictObject({
  tier: z.string(),
  approval: z.boolean().default(false),
  branches: nameList,
  tags: nameList,
  'branch-patterns': patternList,
  'tag-patterns': patternList,
});

export const documentSchema = z.strictObject({
  version: z.literal(1),
  project: z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, 'expected a lowercase name'),
    github: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'expected owner/repo'),
    // GitHub's numeric ids of the owner and the repository: the immutable OIDC subject form
    // (repo:<owner>@<owner-id>/<repo>@<repo-id>:...) names them. Optional here; the CDK app
    // refuses to build an immutable-subject trust without them.
    'github-ids': z
      .strictObject({
        owner: z.number().int().positive(),
        repository: z.number().int().positive(),
      })
      .optional(),
    'oidc-subject': z.enum(['immutable', 'legacy']).default('immutable'),
    domain: z
      .string()
      .regex(
        /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        'expected a DNS name',
      ),
    region: z.string().regex(AWS_REGION, 'expected a region such as us-east-1'),
  }),
  names: z.strictObject({
    'artifact-key': z.string(),
    'function-name': z.string(),
    // The alias that serves traffic: deploys move it to a verified version, roll-backs move it back.
    'function-alias': z
      .string()
      .refine(isLambdaAlias, 'not a valid Lambda alias name')
      .default('live'),
    'image-repositories': z
      .array(z.string().refine(isEcrRepository, 'not a valid ECR repository name'))
      .default([]),
    // The SSM Command document the server rollout runs (default: <project.name>-deploy).
    'deploy-document': z
      .string()
      .refine(isSsmDocumentName, 'not a valid SSM document name')
      .optional(),
    // Where an environment's server releases go in the tier's bucket (a template).
    'release-prefix': z.string().default('{environment}/releases/'),
  }),
  tiers: z.strictObject({ lower: tierSchema, upper: tierSchema }),
  environments: z.record(z.string(), environmentSchema),
  'build-only': z
    .strictObject({ branches: nameList, 'branch-patterns': patternList })
    .default({ branches: [], 'branch-patterns': [] }),
});

export type Document = z.output<typeof documentSchema>;

/** The keys each object allows, for "unknown key" fixes. */
const allowedKeys: Record<string, readonly string[]> = {
  '': Object.keys(documentSchema.shape),
  project: ['name', 'github', 'github-ids', 'oidc-subject', 'domain', 'region'],
  'project.github-ids': ['owner', 'repository'],
  names: [
    'artifact-key',
    'function-name',
    'function-alias',
    'image-repositories',
    'deploy-document',
    'release-prefix',
  ],
  tiers: ['lower', 'upper'],
  'tiers.*': ['bucket', 'servers'],
  'environments.*': Object.keys(environmentSchema.shape),
  'build-only': ['branches', 'branch-patterns'],
};

const fixes: Record<string, string> = {
  version: 'Set version: 1 (the only format version there is)',
  'project.name': 'Use lowercase letters, digits and hyphens, e.g. pipelines',
  'project.github': 'Use the owner/repo of the fork on GitHub, e.g. example/pipelines',
  'project.github-ids':
    'Use { owner: <id>, repository: <id> }, the numbers `pnpm bootstrap-github --dry-run` prints',
  'project.github-ids.owner':
    "Use the owner's numeric id (a whole number), as the bootstrap prints it",
  'project.github-ids.repository':
    "Use the repository's numeric id (a whole number), as the bootstrap prints it",
  'project.oidc-subject':
    'Use immutable (repositories created or renamed on or after 2026-07-15, and those that opted in) or legacy',
  'project.domain': 'Use a lowercase DNS name such as pipelines.example.com',
  'project.region': 'Use an AWS region such as us-east-1',
  'names.artifact-key': "Use a template over {environment}, e.g. '{environment}/katana-lambda.zip'",
  'names.function-name': "Use a template over {environment}, e.g. '{environment}-KatanaLambda'",
  'names.function-alias':
    'Use a Lambda alias name: 1-128 letters, digits, - and _, not all digits, e.g. live',
  'names.image-repositories':
    'List ECR repository names: lowercase letters, digits, . _ - and /, e.g. [pipelines/blog]',
  'names.deploy-document':
    'Use an SSM document name: 3-128 letters, digits, _ - and ., not starting with aws, amazon or amzn, e.g. pipelines-deploy',
  'names.release-prefix':
    "Use a template over {environment} ending in /, e.g. '{environment}/releases/'",
  tiers: 'Define both tiers, lower and upper, each with a bucket',
  'tiers.*': 'Give the tier a bucket: { bucket: <name> }',
  'tiers.*.servers':
    'Name the one environment of the tier whose deploys roll out to its servers, e.g. servers: mint',
  'tiers.*.bucket':
    'Use an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
  environments: 'Map environment names to { tier, branches, tags, ... }',
  'environments.*': 'Give the environment a tier and the refs that deploy to it',
  'environments.*.tier': 'Use one of the tiers defined under tiers: lower or upper',
  'environments.*.approval': 'Use true or false (unquoted)',
  'environments.*.branches':
    'List branch names as strings, e.g. [integration]; quote names that look like numbers',
  'environments.*.tags':
    'List tag names as strings, e.g. [mint]; quote names that look like numbers',
  'environments.*.branch-patterns':
    "List anchored regular expressions as quoted strings, e.g. ['^release-\\d+$']",
  'environments.*.tag-patterns':
    "List anchored regular expressions as quoted strings, e.g. ['^RELEASE-\\d+$']",
  'build-only': 'Use { branches: [...], branch-patterns: [...] }',
  'build-only.branches': 'List branch names as strings',
  'build-only.branch-patterns':
    "List anchored regular expressions as quoted strings, e.g. ['^snyk-fix-.*$']",
};

/** The path with map keys under environments/tiers replaced by *, and list indexes dropped. */
function generic(path: readonly PathSegment[]): string {
  return path
    .filter((s) => typeof s === 'string')
    .map((s, i, all) => (i === 1 && (all[0] === 'environments' || all[0] === 'tiers') ? '*' : s))
    .join('.');
}

export interface SchemaProblem {
  path: PathSegment[];
  problem: string;
  fix: string;
  /** Point at the key (unknown keys) rather than the value. */
  key: boolean;
}

/** zod's issues as problems with fixes, one per unknown key. */
export function schemaProblems(error: z.ZodError): SchemaProblem[] {
  return error.issues.flatMap((issue): SchemaProblem[] => {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys[generic(path)] ?? [];
      return issue.keys.map((key) => ({
        path: [...path, key],
        problem: `unknown key ${JSON.stringify(key)}`,
        fix: `Remove it or fix its spelling; allowed here: ${allowed.join(', ')}`,
        key: true,
      }));
    }
    return [
      {
        path,
        problem: issue.message,
        fix: fixes[generic(path)] ?? 'See the comments in environments.yml for the format',
        key: false,
      },
    ];
  });
}
