import { InputError } from '@pipelines/action-kit/errors';
import {
  input,
  integerString,
  parseInputs,
  regionString,
  resolveRegion,
  type Env,
} from '@pipelines/action-kit/inputs';
import { z } from 'zod';
import { imageReleases, parseReleases, type Release } from './decide';

// An environments.yml environment name (an identifier: safe in tags, keys and shells).
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export interface Inputs {
  readonly environment: string;
  readonly document: string;
  readonly releases: readonly Release[];
  readonly timeoutSeconds: number;
  readonly region: string;
}

const specs = {
  environment: input(
    z.string().regex(ENVIRONMENT_NAME, 'expected an environment name such as mint'),
    'Pass the environment whose servers are updated (needs.resolve.outputs.environment).',
  ),
  document: input(
    z
      .string()
      .regex(/^[a-zA-Z0-9_.-]{3,128}$/, 'expected an SSM document name')
      .default('pipelines-deploy'),
    "Pass resolve-environment's deploy-document output (the infra creates the document).",
  ),
  releases: input(
    z.string(),
    'Give one release per line: `<service> <artifact> [sha256]` (see the action README).',
  ),
  images: input(
    z.string().default(''),
    "Pass release-candidate's images output (a JSON array), or leave it out.",
  ),
  'timeout-seconds': input(
    integerString(30, 172800).default(900),
    'Use 30 to 172800 seconds per service.',
  ),
  'aws-region': input(regionString.optional(), 'Use a region name such as us-east-1.'),
};

export function getInputs(env: Env = process.env): Readonly<Inputs> {
  const p = parseInputs(specs, env);
  const lines = parseReleases(p.releases);
  const fromImages = imageReleases(p.images);
  const twice = fromImages.find((image) => lines.some((line) => line.service === image.service));
  if (twice) {
    throw new InputError(
      'images',
      `holds an image of ${twice.service}, which a releases line deploys too`,
      `Give ${twice.service} either a releases line or its image in images, not both.`,
    );
  }
  // The servers of S3 releases (the proxy, then the blog) first, then the apps' images.
  const releases = [...lines, ...fromImages];
  if (releases.length === 0) {
    throw new InputError(
      'releases',
      'names no release (only blank lines or comments)',
      'Give at least one `<service> <artifact> [sha256]` line, or skip the step.',
    );
  }
  return Object.freeze({
    environment: p.environment,
    document: p.document,
    releases,
    timeoutSeconds: p.timeoutSeconds,
    region: resolveRegion(p.awsRegion, env),
  });
}
