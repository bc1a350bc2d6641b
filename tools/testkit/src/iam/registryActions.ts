/**
 * What a request of the registry protocol (OCI distribution, what `docker push` speaks) asks IAM
 * for in ECR: ECR authorizes each one as one of its API actions on the repository. Pure, like
 * requestActions.ts; a request not listed here is unknown and the twin denies it.
 *
 * Source: the ECR User Guide's required permissions for pushing and pulling images
 * (BatchCheckLayerAvailability, InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload,
 * PutImage; BatchGetImage, GetDownloadUrlForLayer).
 */
import type { RequestMeaning, Scope } from './requestActions';

/** `<method> <path after /v2/<repository>/>` (ids and digests as `{}`) -> ECR operation. */
const ROUTES: Readonly<Record<string, string>> = {
  'HEAD blobs/{}': 'BatchCheckLayerAvailability',
  'GET blobs/{}': 'GetDownloadUrlForLayer',
  'POST blobs/uploads/': 'InitiateLayerUpload',
  'PATCH blobs/uploads/{}': 'UploadLayerPart',
  'PUT blobs/uploads/{}': 'CompleteLayerUpload',
  'HEAD manifests/{}': 'BatchGetImage',
  'GET manifests/{}': 'BatchGetImage',
  'PUT manifests/{}': 'PutImage',
  'DELETE manifests/{}': 'BatchDeleteImage',
  'GET tags/list': 'ListImages',
};

export function registryMeaning(
  request: { readonly method: string; readonly path: string },
  scope: Scope,
): RequestMeaning {
  if (/^\/v2\/?$/.test(request.path)) {
    // The version check: any authenticated caller.
    return { known: true, service: 'ecr', operation: 'Ping', authorizations: [] };
  }
  const match =
    /^\/v2\/(.+?)\/(blobs\/uploads\/[^/]*|blobs\/[^/]+|manifests\/[^/]+|tags\/list)$/.exec(
      request.path,
    );
  const route = match
    ? `${request.method} ${(match[2] ?? '')
        .replace(/^blobs\/uploads\/.+$/, 'blobs/uploads/{}')
        .replace(/^(blobs|manifests)\/(?!uploads\/).+$/, '$1/{}')}`
    : '';
  const operation = ROUTES[route];
  if (!match || !operation) {
    return { known: false, service: 'ecr', reason: `registry ${request.method} ${request.path}` };
  }
  const repository = decodeURIComponent(match[1] ?? '');
  return {
    known: true,
    service: 'ecr',
    operation,
    authorizations: [
      {
        action: `ecr:${operation}`,
        resource: `arn:${scope.partition}:ecr:${scope.region}:${scope.account}:repository/${repository}`,
        context: {},
      },
    ],
  };
}
