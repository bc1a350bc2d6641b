// Deep imports (not the package index) keep modules this action does not use, such as the
// environments.yml model and its YAML parser, out of the bundle and under its size budget.
import { InputError } from '@pipelines/action-kit/errors';
import {
  booleanString,
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
import {
  isEcrRepositoryName,
  parseImageReference,
  resolveEndpoint,
  type ImageReference,
  type RegistryEndpoint,
} from './registry/endpoint';

export interface Inputs {
  /** Local image path, or undefined when promoting. */
  image: string | undefined;
  source: ImageReference | undefined;
  /** source-images: each promoted into its own repository ([] otherwise); see pushesOf. */
  sources: readonly ImageReference[];
  repository: string;
  tags: readonly string[];
  /** The registry override, or undefined to use the endpoint from ECR's token. */
  registry: RegistryEndpoint | undefined;
  region: string;
  createRepository: boolean;
  kmsKey: string | undefined;
  concurrency: number;
  chunkSizeMb: number;
  insecureRegistry: boolean;
}

// Docker/OCI tag grammar; ECR allows the same characters, up to 128.
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

const tagList = listString.superRefine((tags, ctx) => {
  const bad = tags.find((t) => !TAG.test(t));
  if (bad !== undefined)
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(bad)} is not a tag` });
});

const sourceRef = z.string().transform(parsedBy(parseImageReference));
const sourceRefs = listString.transform((refs, ctx) =>
  refs.map((ref) => {
    const parsed = parseImageReference(ref);
    if (typeof parsed !== 'string') return parsed;
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(ref)} ${parsed}` });
    return z.NEVER;
  }),
);

const specs = {
  image: input(
    z.string().optional(),
    'Set image to an OCI layout directory, an OCI archive (docker buildx build --output type=oci,dest=image.tar) or a docker-archive tar.',
  ),
  'source-image': input(
    sourceRef.optional(),
    'Set source-image to registry/repository@sha256:<digest>, e.g. the image-uri output of the push to the lower account.',
  ),
  'source-images': input(
    sourceRefs.optional(),
    'Give source-images as registry/repository@sha256:<digest> references, one per line or comma-separated, each repository once, e.g. the image-uri of each image pushed before the hold.',
  ),
  repository: input(
    z
      .string()
      .refine(
        isEcrRepositoryName,
        'expected an ECR repository name (2-256 of lowercase a-z 0-9, components joined by one of . _ - or /)',
      )
      .optional(),
    'Set repository to the ECR repository name, e.g. katana/web.',
  ),
  tags: input(
    tagList.optional(),
    'Give tags one per line or comma-separated; each 1-128 of A-Z a-z 0-9 _ . - not starting with . or -.',
  ),
  registry: input(
    z.string().optional(),
    'Leave registry empty to use the ECR endpoint, or give host[:port] (http is used for loopback only).',
  ),
  'aws-region': input(regionString.optional(), 'Use a region name such as us-east-1.'),
  'create-repository': input(
    booleanString.default(false),
    'Use true to create a missing repository, false to fail instead.',
  ),
  'kms-key': input(
    z.string().optional(),
    'Give the KMS key ARN or alias for a created repository, or leave empty for AES256.',
  ),
  concurrency: input(integerString(1, 16).default(4), 'Use 1 to 16 blobs in flight.'),
  'chunk-size-mb': input(
    integerString(1, 1024).default(16),
    "Use a chunk size from 1 to 1024 MiB (below 5 is raised to 5, ECR's smallest part); blobs up to one chunk go in one request.",
  ),
  'insecure-registry': input(
    booleanString.default(false),
    'Use true only for a registry reachable over plain http on a trusted network.',
  ),
};

export function getInputs(env: Env = process.env): Readonly<Inputs> {
  const parsed = parseInputs(specs, env);
  const image = parsed.image;
  const source = parsed.sourceImage;
  const sources = parsed.sourceImages ?? [];
  const given = [
    ...(image === undefined ? [] : ['image']),
    ...(source === undefined ? [] : ['source-image']),
    ...(sources.length === 0 ? [] : ['source-images']),
  ];
  if (given.length !== 1) {
    throw new InputError(
      given[1] ?? 'image',
      given.length === 0
        ? 'is required but was not set (nor was source-image or source-images)'
        : `is set together with ${given[0]}`,
      'Set exactly one: image to push a local image, source-image to promote one by digest, or source-images to promote several, each into its own repository.',
    );
  }
  const repository = parsed.repository ?? '';
  if (sources.length > 0) {
    if (repository !== '') {
      throw new InputError(
        'repository',
        'is set together with source-images',
        'Leave repository empty: each of source-images is promoted into the repository its reference names.',
      );
    }
    const twice = sources.find(
      (s, i) => sources.findIndex((o) => o.repository === s.repository) < i,
    );
    if (twice) {
      throw new InputError(
        'source-images',
        `names repository ${twice.repository} twice`,
        'Give each repository once: its tags can point at one digest only.',
      );
    }
  } else if (repository === '') {
    throw new InputError('repository', 'is required but was not set', specs.repository.fix);
  }
  let registry: RegistryEndpoint | undefined;
  if (parsed.registry !== undefined) {
    const resolved = resolveEndpoint(parsed.registry, parsed.insecureRegistry);
    if (typeof resolved === 'string') {
      throw new InputError(
        'registry',
        `is not valid (${JSON.stringify(parsed.registry)}): ${resolved}`,
        specs.registry.fix,
      );
    }
    registry = resolved;
  }
  return Object.freeze({
    image,
    source,
    sources,
    repository,
    tags: [...new Set(parsed.tags ?? [])],
    registry,
    region: resolveRegion(parsed.awsRegion, env),
    createRepository: parsed.createRepository,
    kmsKey: parsed.kmsKey,
    concurrency: parsed.concurrency,
    chunkSizeMb: parsed.chunkSizeMb,
    insecureRegistry: parsed.insecureRegistry,
  });
}

/**
 * The pushes the inputs ask for: one, or with source-images one promotion per image, into the
 * repository its reference names (the promote after approval tags each image where it is).
 */
export function pushesOf(inputs: Readonly<Inputs>): Readonly<Inputs>[] {
  if (inputs.sources.length === 0) return [inputs];
  return inputs.sources.map((source) =>
    Object.freeze({ ...inputs, source, sources: [], repository: source.repository }),
  );
}
