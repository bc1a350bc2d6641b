/**
 * Which open multipart uploads a failed upload must abort, and what the action may then say about
 * what is left. Pure: the S3 calls are in s3.ts.
 *
 * lib-storage aborts the multipart upload whose id it learned. When the answer to
 * CreateMultipartUpload is lost (the connection drops after S3 acted), the SDK retries and S3
 * starts another upload each time; those have ids nobody learned. So after a failure we list the
 * key's open uploads and abort the ones this run started.
 *
 * "Started by this run" is decided by S3's own listing, not by clocks: the key's open uploads are
 * listed just before the multipart upload begins, and only uploads absent from that listing are
 * ours. A filter on `Initiated` >= run start minus a clock-skew margin was the alternative; we
 * chose the listing because `Initiated` is stamped by S3's clock and the run start by the
 * runner's, so (1) with the runner's clock ahead of S3's by more than the margin, our own orphans
 * would look older than the run and be left behind while we claimed otherwise, and a wide margin
 * would instead reach uploads another run started just before ours; (2) moto stamps every upload
 * with a fixed 2010 date, so a time filter could not be exercised by any test here. The listing
 * has no margin to choose: an upload open before ours began is never ours. What it shares with a
 * time filter: an upload another writer starts on the same key while ours is in flight would be
 * aborted too (that upload then fails with NoSuchUpload and says so; no stored version is touched).
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
