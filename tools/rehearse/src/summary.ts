/** The rehearsal's closing table and the text reviewers would see at the hold. Pure. */

export interface SummaryRow {
  environment: string;
  function: string;
  /** hex sha256 of the code the function runs now (as the local Lambda reports it). */
  codeSha256?: string;
  s3Version?: string;
  imageDigest?: string;
  seconds: number;
  result: 'deployed' | 'waiting for approval' | 'failed' | 'not deployed';
  /** The environment's newest deployment record in the local GitHub and its newest state. */
  deployment?: { id: number; state: string };
}

const short = (value: string | undefined, keep: number) =>
  value === undefined || value === ''
    ? '-'
    : value.length > keep + 1
      ? `${value.slice(0, keep)}…`
      : value;

/** A plain-text table that fits 120 columns (hashes shortened; full values are printed above). */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const header = [
    'environment',
    'function',
    'code sha256',
    'S3 version',
    'image digest',
    'time',
    'result',
  ];
  const cells = rows.map((row) => [
    row.environment,
    row.function,
    short(row.codeSha256, 16),
    short(row.s3Version, 20),
    short(row.imageDigest?.replace(/^sha256:/, 'sha256:'), 23),
    `${row.seconds.toFixed(0)}s`,
    row.result,
  ]);
  // The records column only when a record exists (the GitHub stand-in has deployments).
  if (rows.some((row) => row.deployment)) {
    header.push('deployment');
    rows.forEach((row, i) =>
      cells[i]?.push(row.deployment ? `#${row.deployment.id} ${row.deployment.state}` : '-'),
    );
  }
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export interface HoldFacts {
  environment: string;
  commit: string;
  ref: string;
  sha256?: string;
  bucket: string;
  key: string;
  versionId?: string;
  digest?: string;
  imageUri?: string;
}

/** What the release-candidate summary shows the reviewers, and how to continue locally. */
export function holdMessage(facts: HoldFacts, rerun: string): string {
  return [
    `Waiting for approval: ${facts.environment} has required reviewers. On GitHub, the`,
    `deploy-with-approval job now waits in the Actions UI; the reviewers approve this:`,
    '',
    `  commit       ${facts.commit} (${facts.ref})`,
    `  package      s3://${facts.bucket}/${facts.key}`,
    `  sha256       ${facts.sha256 ?? '-'}`,
    `  VersionId    ${facts.versionId ?? '-'}`,
    `  image        ${facts.imageUri ?? '-'}`,
    `  digest       ${facts.digest ?? '-'}`,
    '',
    `${facts.environment} is unchanged. To rehearse the approval and the deploy after it:`,
    `  ${rerun}`,
  ].join('\n');
}
