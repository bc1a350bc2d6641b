/**
 * Which open multipart uploads an upload must abort after it ends, and what the action may then
 * say about what is left. Pure: the S3 calls are in s3.ts. Why the key's uploads are listed (lost
 * CreateMultipartUpload answers leave uploads with ids nobody learned) and why "ours" is decided
 * by a listing taken before the upload rather than by clocks: docs/decisions/0007-multipart-sweep.md.
 */

export interface OpenUpload {
  key: string;
  uploadId: string;
}

/** The open uploads of exactly `key` that were not open before this run began its upload. */
export function uploadsToAbort(
  open: readonly OpenUpload[],
  key: string,
  openBefore: ReadonlySet<string>,
): OpenUpload[] {
  // ListMultipartUploads filters by prefix: `mint/katana-lambda.zip.old` shares it.
  return open.filter((u) => u.key === key && u.uploadId !== '' && !openBefore.has(u.uploadId));
}

export type SweepResult =
  /** The listing after the aborts: ours still open, and others' open uploads left alone. */
  | { listed: true; stillOpen: number; leftAlone: number }
  /** Listing or aborting failed: we do not know what is open. */
  | { listed: false; error: string };

export interface Where {
  bucket: string;
  key: string;
}

/** What a failed multipart upload left behind, truthfully, with the commands to clean it. */
export function sweepReport(result: SweepResult, where: Where): string {
  const clean =
    `List them with \`aws s3api list-multipart-uploads --bucket ${where.bucket} --prefix ${where.key}\` ` +
    `and abort each of key ${where.key} with \`aws s3api abort-multipart-upload --bucket ${where.bucket} ` +
    `--key ${where.key} --upload-id <UploadId>\`; the bucket's AbortIncompleteMultipartUpload ` +
    'lifecycle rule (7 days in infra/) removes them otherwise.';
  const others = (n: number) =>
    n === 0
      ? ''
      : ` ${n} older open multipart upload(s) of the key, started before this run, were left alone.`;
  if (!result.listed) {
    return (
      `Multipart uploads started by this run may be left open (could not list or abort them: ` +
      `${result.error}). ${clean}`
    );
  }
  if (result.stillOpen === 0) {
    return `Nothing was left behind: every multipart upload this run started was aborted.${others(result.leftAlone)}`;
  }
  return `${result.stillOpen} multipart upload(s) started by this run are still open. ${clean}${others(result.leftAlone)}`;
}
