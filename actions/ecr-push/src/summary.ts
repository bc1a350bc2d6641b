/** What the step shows: its outputs and the job summary of the push or promotion. */
import { setOutputs } from '@pipelines/action-kit/run';
import { writeSummary } from '@pipelines/action-kit/summary';
import type { Outcome } from './effects';
import type { Inputs } from './inputs';

export async function report(
  inputs: Pick<Inputs, 'source' | 'image' | 'repository'>,
  result: Outcome,
): Promise<void> {
  setOutputs({ digest: result.digest, 'image-uri': result.imageUri, registry: result.registry });
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
