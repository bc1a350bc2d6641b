import { InputError } from '@pipelines/action-kit/errors';
import {
  booleanString,
  input,
  integerString,
  parseInputs,
  regionString,
  resolveRegion,
  sha256Hex,
  type Env,
} from '@pipelines/action-kit/inputs';
import { z } from 'zod';

/**
 * Where the new code comes from: an exact S3 object version, a local zip (small functions), or a
 * version already published (a roll-back: only the alias moves).
 */
export type CodeSource =
  | { kind: 's3'; bucket: string; key: string; version: string }
  | { kind: 'zip'; file: string }
  | { kind: 'version'; version: string };

export interface Inputs {
  functionName: string;
  source: CodeSource;
  /** Hex sha256 the deployed code must have; for a zip source it may be left to the file's own. */
  expectedSha256: string | undefined;
  publish: boolean;
  alias: string | undefined;
  region: string;
  timeoutSeconds: number;
}

// A function name, or a full/partial ARN without a qualifier (the version is decided here).
const functionName = z
  .string()
  .regex(
    /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[a-zA-Z0-9_-]{1,64}$/,
    'expected a function name or an unqualified function ARN',
  );

// Lambda alias names: letters, digits, - and _, not all digits (that would read as a version).
const aliasName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,128}$/, 'expected letters, digits, - and _')
  .refine((a) => !/^\d+$/.test(a), 'must not be all digits (that is a version number)');

const specs = {
  'function-name': input(functionName, 'Set function-name, e.g. mint-KatanaLambda.'),
  's3-bucket': input(z.string().optional(), 'Set s3-bucket to the artifact bucket.'),
  's3-key': input(z.string().optional(), 'Set s3-key to the package key.'),
  's3-object-version': input(
    z.string().optional(),
    "Pass s3-upload's version-id output; deploying 'the latest' object is refused.",
  ),
  'zip-file': input(z.string().optional(), 'Set zip-file to the path of a local zip.'),
  version: input(
    z
      .string()
      .regex(/^[1-9]\d{0,9}$/, 'expected a published version number')
      .optional(),
    'Give the number of a published version, e.g. 7 (aws lambda list-versions-by-function lists them).',
  ),
  'expected-sha256': input(
    sha256Hex.optional(),
    "Pass s3-upload's sha256 output (64 hex characters).",
  ),
  publish: input(booleanString.default(true), 'Use true or false.'),
  alias: input(aliasName.optional(), 'Use an alias name such as live.'),
  'aws-region': input(regionString.optional(), 'Use a region name such as us-east-1.'),
  'timeout-seconds': input(
    integerString(10, 3600).default(300),
    'Use 10 to 3600 seconds for the update to finish.',
  ),
};

/** A roll-back to a published version: nothing else to deploy, an alias to move, a sha256 to check. */
function versionSource(
  version: string,
  otherSources: readonly (string | undefined)[],
  alias: string | undefined,
  expectedSha256: string | undefined,
  publish: boolean,
): CodeSource {
  if (otherSources.some((v) => v !== undefined)) {
    throw new InputError(
      'version',
      'was set together with zip-file or s3-bucket/s3-key/s3-object-version',
      'Give version alone to point the alias at a published version, or the package to deploy.',
    );
  }
  if (alias === undefined || !publish) {
    throw new InputError(
      'version',
      'needs alias (and publish true): it only moves an alias',
      'Set alias to the alias that serves traffic, e.g. live.',
    );
  }
  if (expectedSha256 === undefined) {
    throw new InputError(
      'expected-sha256',
      'is required with version',
      'Pass the sha256 of the package that version runs, so the alias moves only to that code.',
    );
  }
  return { kind: 'version', version };
}

export function getInputs(env: Env = process.env): Readonly<Inputs> {
  const p = parseInputs(specs, env);
  const s3Given = [p.s3Bucket, p.s3Key, p.s3ObjectVersion];
  const zip = p.zipFile;
  let source: CodeSource;
  if (p.version !== undefined) {
    source = versionSource(p.version, [zip, ...s3Given], p.alias, p.expectedSha256, p.publish);
  } else if (zip !== undefined) {
    if (s3Given.some((v) => v !== undefined)) {
      throw new InputError(
        'zip-file',
        'was set together with s3-bucket/s3-key/s3-object-version',
        'Deploy from one source: either zip-file, or the S3 object.',
      );
    }
    source = { kind: 'zip', file: zip };
  } else {
    const [bucket, key, version] = s3Given;
    const missing = (['s3-bucket', 's3-key', 's3-object-version'] as const).find(
      (_, i) => s3Given[i] === undefined,
    );
    if (missing || !bucket || !key || !version) {
      throw new InputError(
        missing ?? 's3-bucket',
        'is required but was not set',
        missing === 's3-object-version'
          ? "Pass s3-upload's version-id output: the deploy must name the exact object version, never the latest."
          : 'Give s3-bucket, s3-key and s3-object-version (the outputs of s3-upload), or zip-file.',
      );
    }
    if (p.expectedSha256 === undefined) {
      throw new InputError(
        'expected-sha256',
        'is required when deploying from S3',
        "Pass s3-upload's sha256 output, so the deployed code is checked against the package.",
      );
    }
    source = { kind: 's3', bucket, key, version };
  }
  if (p.alias !== undefined && !p.publish) {
    throw new InputError(
      'alias',
      'was set with publish: false',
      'An alias points at a published version: set publish: true, or drop alias.',
    );
  }
  return Object.freeze({
    functionName: p.functionName,
    source,
    expectedSha256: p.expectedSha256,
    publish: p.publish,
    alias: p.alias,
    region: resolveRegion(p.awsRegion, env),
    timeoutSeconds: p.timeoutSeconds,
  });
}
