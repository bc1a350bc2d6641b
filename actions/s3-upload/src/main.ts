import * as core from '@actions/core';
import { awsClientConfig } from '@pipelines/action-kit/aws';
import { setOutputs } from '@pipelines/action-kit/run';
import { writeSummary } from '@pipelines/action-kit/summary';
import { getInputs } from './inputs';

export async function run(): Promise<void> {
  const inputs = getInputs();
  // The AWS SDK is most of the bundle: load it (and the code using it) only once the inputs are
  // valid, so a step failing on its inputs starts fast. ncc emits it as a separate chunk.
  const [{ S3Client }, { uploadPackage }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('./upload'),
  ]);
  const s3 = new S3Client(awsClientConfig('s3', { region: inputs.region, action: 's3-upload' }));
  const result = await uploadPackage(
    s3,
    inputs,
    process.env,
    (m) => core.info(m),
    (m) => core.warning(m),
  );
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
      ['sha256', `${result.sha256} (verified: ${proofText(result.proof)})`],
      ['size', `${result.size} bytes`],
      ['uploaded', result.uploaded ? (result.multipart ? 'yes (multipart)' : 'yes') : 'no'],
      ['tags', result.tags.map((t) => `${t.Key}=${t.Value}`).join(', ')],
    ],
    result.uploaded
      ? undefined
      : "S3's own checksum of the newest version proves it already holds these bytes, so nothing was uploaded; the step is a no-op on re-run.",
  );
}

function proofText(proof: 'full-object' | 'composite'): string {
  return proof === 'full-object'
    ? "S3's full-object SHA-256 of the stored version"
    : "S3's composite SHA-256 of the stored parts, recomputed from the file";
}
