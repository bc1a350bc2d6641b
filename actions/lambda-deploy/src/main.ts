import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/shared/src/aws';
import { setOutputs } from '@pipelines/shared/src/run';
import { writeSummary } from '@pipelines/shared/src/summary';
import { getInputs } from './inputs';
import { readZip } from './zip';

export async function run(): Promise<void> {
  const inputs = getInputs();
  // The AWS SDK is most of the bundle: load it (and the code using it) only once the inputs are
  // valid, so a step failing on its inputs starts fast. ncc emits it as a separate chunk.
  const [{ LambdaClient }, { deploy }] = await Promise.all([
    import('@aws-sdk/client-lambda'),
    import('./deploy'),
  ]);
  const zip =
    inputs.source.kind === 'zip'
      ? await readZip(inputs.source.file, inputs.expectedSha256)
      : undefined;
  const expectedSha256 = inputs.expectedSha256 ?? zip?.sha256 ?? '';
  const lambda = new LambdaClient(
    awsClientConfig('lambda', { region: inputs.region, action: 'lambda-deploy' }),
  );
  const ctx = {
    lambda,
    deadline: Date.now() + inputs.timeoutSeconds * 1000,
    log: (m: string) => core.info(m),
  };
  const result = await deploy(ctx, inputs, expectedSha256, zip?.bytes);
  setOutputs({
    version: result.version,
    'code-sha256': result.codeSha256,
    'previous-version': result.previousVersion,
    'function-arn': result.functionArn,
  });
  const source =
    inputs.source.kind === 's3'
      ? `s3://${inputs.source.bucket}/${inputs.source.key}?versionId=${inputs.source.version}`
      : inputs.source.file;
  await writeSummary('Lambda deploy', [
    ['function', inputs.functionName],
    ['code from', source],
    ['sha256 (verified)', result.codeSha256],
    ['version', result.version],
    ...(inputs.alias
      ? ([
          ['alias', `${inputs.alias}: ${result.previousVersion || '(new)'} → ${result.version}`],
        ] as const)
      : []),
    ['function arn', result.functionArn],
  ]);
}
