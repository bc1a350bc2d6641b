import { S3Client } from '@aws-sdk/client-s3';
import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/shared/src/aws';
import { setOutputs } from '@pipelines/shared/src/run';
import { writeSummary } from '@pipelines/shared/src/summary';
import { getInputs } from './inputs';
import { uploadPackage } from './upload';

export async function run(): Promise<void> {
  const inputs = getInputs();
  const s3 = new S3Client(awsClientConfig('s3', { region: inputs.region, action: 's3-upload' }));
  const result = await uploadPackage(s3, inputs, process.env, (m) => core.info(m));
  setOutputs({
    'version-id': result.versionId,
    sha256: result.sha256,
    bucket: inputs.bucket,
    key: inputs.key,
    uploaded: result.uploaded,
  });
  await writeSummary(
    'S3 upload',
    [
      ['object', `s3://${inputs.bucket}/${inputs.key}`],
      ['version id', result.versionId],
      ['sha256', result.sha256],
      ['size', `${result.size} bytes`],
      ['uploaded', result.uploaded ? (result.multipart ? 'yes (multipart)' : 'yes') : 'no'],
      ['tags', result.tags.map((t) => `${t.Key}=${t.Value}`).join(', ')],
    ],
    result.uploaded
      ? undefined
      : 'The newest version already had this sha256, so nothing was uploaded; the step is a no-op on re-run.',
  );
}
