import os from 'node:os';
import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/action-kit/aws';
import { setOutputs } from '@pipelines/action-kit/run';
import { writeSummary } from '@pipelines/action-kit/summary';
import { getInputs, pushesOf, type Inputs } from './inputs';
import type { Outcome } from './ecrPush';

export async function run(): Promise<void> {
  const inputs = getInputs();
  // The AWS SDK is most of the bundle: load it (and the code using it) only once the inputs are
  // valid, so a step failing on its inputs starts fast. ncc emits it as a separate chunk.
  const [{ ECRClient }, { pushToEcr }] = await Promise.all([
    import('@aws-sdk/client-ecr'),
    import('./ecrPush'),
  ]);
  const ecr = new ECRClient(awsClientConfig('ecr', { region: inputs.region, action: 'ecr-push' }));
  const images: { repository: string; digest: string; 'image-uri': string }[] = [];
  let last: Outcome | undefined;
  // One after the other: each push checks its own repository and reads its digest back.
  for (const push of pushesOf(inputs)) {
    last = await pushToEcr(push, {
      ecr,
      log: (m) => core.info(m),
      mask: (s) => core.setSecret(s),
      tempRoot: process.env.RUNNER_TEMP || os.tmpdir(),
    });
    images.push({ repository: push.repository, digest: last.digest, 'image-uri': last.imageUri });
    await summarise(push, last);
  }
  setOutputs({
    digest: last?.digest ?? '',
    'image-uri': last?.imageUri ?? '',
    registry: last?.registry ?? '',
    images: JSON.stringify(images),
  });
}

async function summarise(inputs: Readonly<Inputs>, result: Outcome): Promise<void> {
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
