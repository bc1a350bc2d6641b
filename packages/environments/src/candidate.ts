/**
 * The candidate environment of an approval environment: where its upload and image push run,
 * before the hold. A job that entered the approval environment itself would start waiting for
 * review before there was anything to review. The candidate has the same ref restrictions but no
 * reviewers, and its AWS role can only upload. The one definition of the name: the workflow (via
 * resolve-environment's upload-environment output), the CDK app, the GitHub bootstrap and the
 * rehearsal all use it.
 */
export function candidateEnvironmentName(environment: string): string {
  return `${environment}-candidate`;
}

/** The environment the upload and image jobs declare: the candidate when a reviewer holds the deploy. */
export function uploadEnvironmentName(environment: string, approval: boolean): string {
  return approval ? candidateEnvironmentName(environment) : environment;
}
