import {
  input,
  integerString,
  listString,
  parsedBy,
  parseInputs,
  regionString,
  resolveRegion,
  type Env,
} from '@pipelines/action-kit/inputs';
import { z } from 'zod';
import { parseTagPairs, type Tag } from './tags';

export interface Inputs {
  file: string;
  bucket: string;
  key: string;
  region: string;
  /** Unset: chosen from the file's size (see layout.ts). */
  partSizeMb?: number;
  concurrency?: number;
  tags: readonly Tag[];
}

// S3's bucket naming rules (lowercase, digits, dots, hyphens; 3 to 63 characters).
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 of a-z 0-9 . -)');

const objectKey = z
  .string()
  .max(1024, 'must be at most 1024 bytes')
  .refine((k) => !k.startsWith('/'), 'must not start with "/"');

const extraTags = listString.transform(parsedBy(parseTagPairs));

const specs = {
  file: input(z.string(), 'Set file to the path of the package, e.g. dist/katana-lambda.zip.'),
  bucket: input(bucketName, 'Set bucket to the name of the versioned artifact bucket.'),
  key: input(objectKey, 'Set key to the object key, e.g. mint/katana-lambda.zip.'),
  'aws-region': input(regionString.optional(), 'Use a region name such as us-east-1.'),
  'part-size-mb': input(
    integerString(5, 5120).optional(),
    'Use a part size from 5 to 5120 MiB (S3 multipart limits), or leave it unset to choose by file size.',
  ),
  concurrency: input(
    integerString(1, 16).optional(),
    'Use 1 to 16 parts in flight, or leave it unset to choose by file size.',
  ),
  tags: input(
    extraTags.optional(),
    'Give extra tags as key=value, one per line or comma-separated (S3 allows 10 tags in all).',
  ),
};

export function getInputs(env: Env = process.env): Readonly<Inputs> {
  const parsed = parseInputs(specs, env);
  return Object.freeze({
    file: parsed.file,
    bucket: parsed.bucket,
    key: parsed.key,
    region: resolveRegion(parsed.awsRegion, env),
    partSizeMb: parsed.partSizeMb,
    concurrency: parsed.concurrency,
    tags: parsed.tags ?? [],
  });
}
