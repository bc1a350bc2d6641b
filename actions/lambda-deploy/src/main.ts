import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/action-kit/aws';
import { getInputs } from './inputs';
import { report } from './summary';
import { readZip } from './zip';

export async function run(): Promise<void> {
  const inputs = getInputs();
  // The AWS SDK is most of the bundle: load it (and the code using it) only once the inputs are
  // valid, so a step failing on its inputs starts fast. ncc emits it as a separate chunk.
  const [{ LambdaClient }, { S3Client }, { deploy }] = await Promise.all([
    import('@aws-sdk/client-lambda'),
    import('@aws-sdk/client-s3'),
    import('./effects'),
  ]);
  const zip =
    inputs.source.kind === 'zip'
      ? await readZip(inputs.source.file, inputs.expectedSha256)
      : undefined;
  const expectedSha256 = inputs.expectedSha256 ?? zip?.sha256 ?? '';
  const lambda = new LambdaClient(
    awsClientConfig('lambda', { region: inputs.region, action: 'lambda-deploy' }),
  );
  const s3 = new S3Client(
    awsClientConfig('s3', { region: inputs.region, action: 'lambda-deploy' }),
  );
  const ctx = {
    lambda,
    s3,
    deadline: Date.now() + inputs.timeoutSeconds * 1000,
    log: (m: string) => core.info(m),
  };
  const result = await deploy(ctx, inputs, expectedSha256, zip?.bytes);
  await report(inputs, result);
}
