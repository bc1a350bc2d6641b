import os from 'node:os';
import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/action-kit/aws';
import { getInputs } from './inputs';
import { report } from './summary';

export async function run(): Promise<void> {
  const inputs = getInputs();
  // The AWS SDK is most of the bundle: load it (and the code using it) only once the inputs are
  // valid, so a step failing on its inputs starts fast. ncc emits it as a separate chunk.
  const [{ ECRClient }, { pushToEcr }] = await Promise.all([
    import('@aws-sdk/client-ecr'),
    import('./effects'),
  ]);
  const ecr = new ECRClient(awsClientConfig('ecr', { region: inputs.region, action: 'ecr-push' }));
  const result = await pushToEcr(inputs, {
    ecr,
    log: (m) => core.info(m),
    mask: (s) => core.setSecret(s),
    tempRoot: process.env.RUNNER_TEMP || os.tmpdir(),
  });
  await report(inputs, result);
}
