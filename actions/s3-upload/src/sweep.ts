/**
 * Which open multipart uploads a failed upload must abort. Pure: the S3 calls are in s3.ts.
 *
 * lib-storage aborts the multipart upload whose id it learned. When the answer to
 * CreateMultipartUpload is lost (the connection drops after S3 acted), the SDK retries and S3
 * starts another upload each time; those have ids nobody learned. So after a failure we list the
 * key's open uploads and abort them.
 *
 * All of them, not only those initiated since this run started: a time filter depends on the
 * runner's clock agreeing with S3's, and cannot be checked here (moto reports a fixed Initiated
 * date of 2010). The key is one environment's package, and the workflow runs one pipeline per ref
 * at a time; the only other writer could be a second ref routed to the same environment at the
 * same moment, whose upload would then fail cleanly and say so. A completed upload is never
 * touched (it is an object version, not an open upload), so no bytes are lost or changed.
 */

export interface OpenUpload {
  key: string;
  uploadId: string;
}

export function uploadsToAbort(open: readonly OpenUpload[], key: string): OpenUpload[] {
  // ListMultipartUploads filters by prefix: `mint/katana-lambda.zip.old` shares it.
  return open.filter((u) => u.key === key && u.uploadId !== '');
}
