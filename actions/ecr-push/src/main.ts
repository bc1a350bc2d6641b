import os from 'node:os';
import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/action-kit/aws';
import type { Outcome } from './effects';
import { getInputs, pushesOf } from './inputs';
import { setPushOutputs, summarisePush, type PushedImage } from './summary';

export async function run(): Promise<void> {
  const inputs = getInputs();
  // The AWS SDK is most of the bundle: load it (and the code using it) only once the inputs are
  // valid, so a step failing on its inputs starts fast. ncc emits it as a separate chunk.
  const [{ ECRClient }, { pushToEcr }] = await Promise.all([
    import('@aws-sdk/client-ecr'),
    import('./effects'),
  ]);
  const ecr = new ECRClient(awsClientConfig('ecr', { region: inputs.region, action: 'ecr-push' }));
  const images: PushedImage[] = [];
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
    await summarisePush(push, last);
  }
  setPushOutputs(last, images);
}
