import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/action-kit/aws';
import { getInputs } from './inputs';
import { report } from './summary';

export async function run(): Promise<void> {
  const inputs = getInputs();
  // The AWS SDK is most of the bundle: load it (and the code using it) only once the inputs are
  // valid, so a step failing on its inputs starts fast. ncc emits it as a separate chunk.
  const [{ S3Client }, { uploadPackage }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('./effects'),
  ]);
  const s3 = new S3Client(awsClientConfig('s3', { region: inputs.region, action: 's3-upload' }));
  const result = await uploadPackage(
    s3,
    inputs,
    process.env,
    (m) => core.info(m),
    (m) => core.warning(m),
  );
  await report(inputs, result);
}
