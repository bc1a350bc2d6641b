/**
 * The whole step, in the order that keeps bad input from changing anything: read the image and
 * verify its manifests, get the token and check the repository (together: both only read), plan
 * against the target (HEADs only), fetch and verify promoted blobs or verify the local blobs to
 * upload, and only then create the repository and push.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { ActionError, InputError } from '@pipelines/action-kit/errors';
import {
  createRepository,
  getRegistryAuth,
  missingRepositoryMessage,
  repositoryState,
} from './ecr';
import type { Inputs } from './inputs';
import type { Image } from './oci/image';
import { ImageError } from './oci/manifest';
import { openImage } from './oci/source';
import { verifyBlobs } from './oci/verify';
import { fetchBlobs, loadRemoteImage } from './promote';
import { executePush, planPush, type Log, type MountSource, type PushResult } from './push';
import { MIN_PART_MIB, partSize } from './decide';
import { RegistryClient, RegistryError } from './registry/client';
import { resolveEndpoint, type RegistryEndpoint } from './registry/endpoint';

export interface Deps {
  ecr: ECRClient;
  log: Log;
  /** Registers a secret so the runner masks it in every log line. */
  mask: (secret: string) => void;
  tempRoot: string;
}

export interface Outcome extends PushResult {
  registry: string;
  imageUri: string;
  repositoryCreated: boolean;
  bytesUploaded: number;
}

const IMAGE_FIX =
  'Point image at an OCI layout directory, an OCI archive (docker buildx build --output type=oci,dest=image.tar) or a docker-archive (docker save), unmodified.';

function endpointOf(value: string, insecure: boolean, input: string): RegistryEndpoint {
  const resolved = resolveEndpoint(value, insecure);
  if (typeof resolved === 'string') {
    throw new InputError(
      input,
      `names registry ${value}, which ${resolved}`,
      'Fix the registry host.',
    );
  }
  return resolved;
}

/** A problem with the local image names the image input; any other error passes through. */
function imageInputError(inputs: Inputs, error: unknown): unknown {
  return error instanceof ImageError
    ? new InputError('image', `(${inputs.image}) ${error.message}`, IMAGE_FIX)
    : error;
}

/**
 * A registry that answers NAME_UNKNOWN for a repository the ECR API just found (or created) is
 * not the registry of that API: the registry input names another account or region.
 */
function unknownRepositoryError(inputs: Inputs, host: string, error: unknown): unknown {
  if (!(error instanceof RegistryError) || error.code !== 'NAME_UNKNOWN') return error;
  return new InputError(
    'registry',
    `names ${host}, which has no repository ${inputs.repository} although the ECR API in ${inputs.region} has it (${error.message})`,
    'Leave registry empty to push to the ECR endpoint of aws-region, or set aws-region to the region (and credentials to the account) of that registry',
  );
}

/** The ECR token goes to ECR hosts and to the target only, never to a third-party registry. */
export function mayReceiveToken(host: string, target: RegistryEndpoint): boolean {
  return host === target.host || /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(host);
}

/** The value of a settled promise, or its rejection thrown. */
function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

export async function pushToEcr(inputs: Inputs, deps: Deps): Promise<Outcome> {
  const temp = mkdtempSync(path.join(deps.tempRoot, 'ecr-push-'));
  try {
    let image: Image | undefined;
    if (inputs.image !== undefined) {
      image = await openImage(path.resolve(inputs.image), temp).catch((error: unknown) => {
        throw imageInputError(inputs, error);
      });
      deps.log(
        `image ${inputs.image}: ${image.manifests.length} manifest(s) verified, ${image.blobs.size} blob(s)`,
      );
    }

    // Two reads that do not depend on each other; a token failure is reported first.
    const [authRead, stateRead] = await Promise.allSettled([
      getRegistryAuth(deps.ecr),
      repositoryState(deps.ecr, inputs.repository),
    ]);
    const auth = settled(authRead);
    auth.secrets.forEach(deps.mask);
    const state = settled(stateRead);
    const endpoint = inputs.registry ?? endpointOf(auth.proxyEndpoint, false, 'registry');
    const target = new RegistryClient(endpoint, { authorization: auth.authorization });

    if (state === 'missing' && !inputs.createRepository) {
      throw new ActionError('push', missingRepositoryMessage(inputs.repository, auth.accountId));
    }

    let mount: MountSource | undefined;
    let source: RegistryClient | undefined;
    if (inputs.source) {
      const ref = inputs.source;
      const sourceEndpoint = endpointOf(ref.registry, inputs.insecureRegistry, 'source-image');
      const sameRegistry = sourceEndpoint.host === endpoint.host;
      source = sameRegistry
        ? target
        : new RegistryClient(
            sourceEndpoint,
            mayReceiveToken(sourceEndpoint.host, endpoint)
              ? { authorization: auth.authorization }
              : {},
          );
      try {
        image = await loadRemoteImage(source, ref);
      } catch (error) {
        throw new ActionError(
          `read source-image ${ref.registry}/${ref.repository}@${ref.digest}`,
          error,
          'Check that the digest exists in that repository and that the role may pull from it',
        );
      }
      if (sameRegistry) mount = { client: source, repository: ref.repository };
      deps.log(
        `source ${ref.registry}/${ref.repository}@${ref.digest}: ${image.manifests.length} manifest(s), ${image.blobs.size} blob(s)`,
      );
    }
    if (!image) throw new Error('no image to push');

    const plan = await planPush(
      target,
      inputs.repository,
      image,
      inputs.tags,
      inputs.concurrency,
      mount?.repository,
    ).catch((error: unknown) => {
      throw unknownRepositoryError(inputs, endpoint.host, error);
    });
    const toUpload = plan.blobs.filter((b) => b.action === 'upload').map((b) => b.blob);
    if (source && !mount) {
      await fetchBlobs(source, inputs.source!.repository, toUpload, temp, inputs.concurrency).catch(
        (error: unknown) => {
          throw new ActionError('copy blobs from source-image', error);
        },
      );
    }
    await verifyBlobs(toUpload).catch((error: unknown) => {
      throw imageInputError(inputs, error);
    });

    if (state === 'missing') {
      await createRepository(deps.ecr, inputs.repository, inputs.kmsKey);
      deps.log(
        `created ECR repository ${inputs.repository} (immutable tags, scan on push, ${inputs.kmsKey ? 'KMS' : 'AES256'})`,
      );
    }

    const part = partSize(inputs.chunkSizeMb);
    if (part.raised) {
      deps.log(
        `chunk-size-mb ${inputs.chunkSizeMb} raised to ${MIN_PART_MIB}: ECR refuses chunks under ${MIN_PART_MIB} MiB except the last`,
      );
    }
    const result = await executePush(target, image, plan, {
      repository: inputs.repository,
      concurrency: inputs.concurrency,
      chunkSize: part.bytes,
      tempDir: temp,
      log: deps.log,
      ...(mount ? { mount } : {}),
    }).catch((error: unknown) => {
      throw unknownRepositoryError(inputs, endpoint.host, error);
    });
    return {
      ...result,
      registry: endpoint.host,
      imageUri: `${endpoint.host}/${inputs.repository}@${result.digest}`,
      repositoryCreated: state === 'missing',
      bytesUploaded: target.counts.bytes,
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
