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

/**
 * One column of a plain-text table: its header and a row's cell ('-' where the row has none). An
 * `optional` column is shown only when some row has a cell in it (a column of what only some runs
 * produce, such as deployment records).
 */
export interface Column<Row> {
  readonly header: string;
  readonly cell: (row: Row) => string | undefined;
  readonly optional?: boolean;
}

/** A plain-text table: columns as wide as their widest cell, two spaces apart. */
export function textTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const shown = columns.filter(
    (column) => !column.optional || rows.some((row) => column.cell(row) !== undefined),
  );
  const header = shown.map((column) => column.header);
  const cells = rows.map((row) => shown.map((column) => column.cell(row) ?? '-'));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/**
 * The summary's columns: one row per environment the rehearsal deployed (or held, or failed).
 * What a later phase adds to a row (each server's release, say) is one more optional column here.
 */
export const SUMMARY_COLUMNS: readonly Column<SummaryRow>[] = [
  { header: 'environment', cell: (row) => row.environment },
  { header: 'function', cell: (row) => row.function },
  { header: 'code sha256', cell: (row) => short(row.codeSha256, 16) },
  { header: 'S3 version', cell: (row) => short(row.s3Version, 20) },
  { header: 'image digest', cell: (row) => short(row.imageDigest, 23) },
  { header: 'time', cell: (row) => `${row.seconds.toFixed(0)}s` },
  { header: 'result', cell: (row) => row.result },
  // Only when a record exists (the GitHub stand-in has deployments).
  {
    header: 'deployment',
    cell: (row) => row.deployment && `#${row.deployment.id} ${row.deployment.state}`,
    optional: true,
  },
];

/** A plain-text table that fits 120 columns (hashes shortened; full values are printed above). */
export function summaryTable(rows: readonly SummaryRow[]): string {
  return textTable(SUMMARY_COLUMNS, rows);
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
