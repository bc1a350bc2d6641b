import { z } from 'zod';
import { booleanString, input, InputError, listString, parseInputs } from '@pipelines/action-kit';
import { KEY_PREFIX_PATTERN } from './key';

const specs = {
  path: input(z.string().optional(), 'Set path to the directory to cache, or leave it empty.'),
  'key-files': input(
    listString.default(['**/pnpm-lock.yaml']).pipe(z.array(z.string()).min(1, 'lists no patterns')),
    'List glob patterns of your lockfiles, one per line (default **/pnpm-lock.yaml).',
  ),
  'key-prefix': input(
    z
      .string()
      .regex(KEY_PREFIX_PATTERN, 'use up to 64 letters, digits, dots, dashes, underscores')
      .optional(),
    'Set key-prefix to a short name such as the tier (lower, upper), or leave it empty.',
  ),
  backend: input(z.enum(['github', 's3']).default('github'), 'Use github or s3.'),
  's3-bucket': input(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name')
      .optional(),
    'Set s3-bucket to the name of your cache bucket.',
  ),
  's3-prefix': input(
    z
      .string()
      .regex(/^[A-Za-z0-9._\-/]{1,200}$/, 'use letters, digits, . _ - and /')
      .default('cache-dependencies'),
    'Set s3-prefix to the folder of the bucket that holds the cache, or leave it empty.',
  ),
  'aws-region': input(z.string().optional(), 'Use a region name such as us-east-1.'),
  'default-branch': input(
    z.string().optional(),
    'Set default-branch to the branch whose entries every branch may read.',
  ),
  'lookup-only': input(booleanString.default(false), 'Use true or false.'),
  'protected-only': input(
    booleanString.default(false),
    'Use true on approval refs (prod), false elsewhere.',
  ),
};

export type Inputs = ReturnType<typeof parseSpecs>;

function parseSpecs() {
  return parseInputs(specs);
}

export function getInputs(): Readonly<Inputs> {
  const inputs = parseSpecs();
  if (inputs.backend === 's3' && !inputs.s3Bucket) {
    throw new InputError(
      's3-bucket',
      'is required when backend is s3',
      'Set s3-bucket to the name of your cache bucket.',
    );
  }
  return inputs;
}
