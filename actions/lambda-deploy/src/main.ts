import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/action-kit/aws';
import { setOutputs } from '@pipelines/action-kit/run';
import { writeSummary } from '@pipelines/action-kit/summary';
import type { DeployResult } from './deploy';
import { getInputs, type CodeSource } from './inputs';
import { readZip } from './zip';

export async function run(): Promise<void> {
  const inputs = getInputs();
  // The AWS SDK is most of the bundle: load it (and the code using it) only once the inputs are
  // valid, so a step failing on its inputs starts fast. ncc emits it as a separate chunk.
  const [{ LambdaClient }, { S3Client }, { deploy }] = await Promise.all([
    import('@aws-sdk/client-lambda'),
    import('@aws-sdk/client-s3'),
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
  setOutputs({
    version: result.version,
    'code-sha256': result.codeSha256,
    'previous-version': result.previousVersion,
    'function-arn': result.functionArn,
  });
  await writeSummary('Lambda deploy', [
    ['function', inputs.functionName],
    ['code from', sourceText(inputs.source)],
    ['code sha256 (verified)', result.codeSha256],
    ['version', result.version],
    ['alias', aliasText(inputs.alias, result)],
    ['function arn', result.functionArn],
  ]);
}

function sourceText(source: CodeSource): string {
  if (source.kind === 's3')
    return `s3://${source.bucket}/${source.key}?versionId=${source.version}`;
  if (source.kind === 'zip') return source.file;
  return `published version ${source.version} (roll-back: $LATEST untouched)`;
}

function aliasText(alias: string | undefined, result: DeployResult): string {
  if (!alias) return '(none: publish an alias to serve a verified version)';
  return `${alias}: ${result.previousVersion || '(new)'} → ${result.version}`;
}
