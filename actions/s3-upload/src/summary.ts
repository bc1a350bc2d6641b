/** What the step shows: its outputs and the job summary of the verified upload. */
import { setOutputs } from '@pipelines/action-kit/run';
import { writeSummary } from '@pipelines/action-kit/summary';
import type { UploadResult } from './effects';
import type { Inputs } from './inputs';

export async function report(
  inputs: Pick<Inputs, 'bucket' | 'key'>,
  result: UploadResult,
): Promise<void> {
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
