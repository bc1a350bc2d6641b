/**
 * Job summary helpers: every action ends by writing a small table of what it did, so a reviewer
 * sees the facts (sha256, VersionId, digest) without opening logs.
 */
import * as core from '@actions/core';
import { codeCell } from './tableCell';

export type Row = readonly [label: string, value: string];

/** Markdown for a heading and a two-column table; values are shown as code and escaped. */
export function summaryMarkdown(heading: string, rows: readonly Row[], note?: string): string {
  const lines = [
    `### ${heading}`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(
      ([label, value]) =>
        `| ${codeCell(label)} | ${value === '' ? '' : `\`${codeCell(value)}\``} |`,
    ),
  ];
  if (note) lines.push('', note);
  return `${lines.join('\n')}\n`;
}

/** Appends the summary when the runner provides a summary file (it does on GitHub and in act). */
export async function writeSummary(
  heading: string,
  rows: readonly Row[],
  note?: string,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(summaryMarkdown(heading, rows, note)).write();
}
