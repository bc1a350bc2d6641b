/**
 * The figures of a recorded run, as markdown blocks in docs/security.md. The tests write them
 * only when RELIABILITY_RECORD=1 (see the README), so the page always says which run produced
 * its numbers; a normal run only prints them.
 */
import type { Tally } from './outcome';

export interface FaultRow {
  action: string;
  fault: string;
  tally: Tally;
}

export interface RunInfo {
  /** ISO date of the run. */
  date: string;
  /** The commit the run was made on. */
  commit: string;
  /** How it was run. */
  command: string;
}

export function faultTable(rows: readonly FaultRow[], total: Tally): string {
  const line = (a: string, f: string, t: Tally) =>
    `| ${a} | ${f} | ${t.runs} | ${t.faultsInjected} | ${t.retried} | ${t.succeeded} | ${t.failedCleanly} | ${t.wrong} |`;
  return [
    '| action | fault | runs | faults injected | retried | succeeded | failed cleanly | wrong results |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => line(r.action, r.fault, r.tally)),
    line('**all**', '', total),
  ].join('\n');
}

export interface BadInputRow {
  action: string;
  case: string;
  input: string;
}

export function badInputTable(rows: readonly BadInputRow[]): string {
  return [
    '| # | action | bad input | `::error::` names |',
    '|---:|---|---|---|',
    ...rows.map(
      (r, i) => `| ${i + 1} | ${r.action} | ${r.case.replace(/\|/g, '\\|')} | \`${r.input}\` |`,
    ),
  ].join('\n');
}

export function recordedBlock(info: RunInfo, body: string): string {
  return [
    `Recorded ${info.date} on commit \`${info.commit}\` by \`${info.command}\`.`,
    '',
    body,
  ].join('\n');
}

const markers = (name: string) => [`<!-- BEGIN ${name} -->`, `<!-- END ${name} -->`] as const;

/** Replaces the text between the block's markers; fails if the page lacks them. */
export function replaceBlock(page: string, name: string, content: string): string {
  const [begin, end] = markers(name);
  const start = page.indexOf(begin);
  const stop = page.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`no ${begin} ... ${end} block in the page`);
  return `${page.slice(0, start + begin.length)}\n${content}\n${page.slice(stop)}`;
}

/** The text between the block's markers, or undefined. */
export function readBlock(page: string, name: string): string | undefined {
  const [begin, end] = markers(name);
  const start = page.indexOf(begin);
  const stop = page.indexOf(end);
  return start < 0 || stop < start ? undefined : page.slice(start + begin.length, stop).trim();
}
