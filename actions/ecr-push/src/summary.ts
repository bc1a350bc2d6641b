/** What the step shows: the job summary of each push or promotion, and the step's outputs. */
import { setOutputs } from '@pipelines/action-kit/run';
import { writeSummary } from '@pipelines/action-kit/summary';
import type { Outcome } from './effects';
import type { Inputs } from './inputs';

/** One image the step pushed or promoted, as the `images` output lists it. */
export interface PushedImage {
  repository: string;
  digest: string;
  'image-uri': string;
}

/** The outputs: the last image's digest, URI and registry, and every image in `images`. */
export function setPushOutputs(last: Outcome | undefined, images: readonly PushedImage[]): void {
  setOutputs({
    digest: last?.digest ?? '',
    'image-uri': last?.imageUri ?? '',
    registry: last?.registry ?? '',
    images: JSON.stringify(images),
  });
}

/** The job summary of one push or promotion. */
export async function summarisePush(
  inputs: Pick<Inputs, 'source' | 'image' | 'repository'>,
  result: Outcome,
): Promise<void> {
  const source = inputs.source;
  await writeSummary(
    inputs.source ? 'ECR promote' : 'ECR push',
    [
      ['image', result.imageUri],
      ['digest', result.digest],
      ...(source
        ? [['source', `${source.registry}/${source.repository}@${source.digest}`] as const]
        : [['from', inputs.image ?? ''] as const]),
      ['tags', [...result.tagsPut, ...result.tagsKept.map((t) => `${t} (kept)`)].join(', ')],
      [
        'blobs',
        `${result.uploaded} uploaded, ${result.mounted} mounted, ${result.skipped} already present`,
      ],
      ['bytes uploaded', String(result.bytesUploaded)],
      ['manifests', `${result.manifests} (${result.manifestsKept} already present, not put)`],
      ['repository', `${inputs.repository}${result.repositoryCreated ? ' (created)' : ''}`],
    ],
    result.readBack
      ? 'The registry was read back after the push: it serves these exact manifest bytes by digest.'
      : 'Nothing was put: the registry already served this manifest by digest and every tag pointed at it.',
  );
}
