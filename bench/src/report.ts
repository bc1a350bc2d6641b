/** The benchmarks page: one table per benchmark, plus how it was produced. */

export interface Row {
  case: string;
  ours: string;
  peer: string;
  ratio: string;
  target: string;
  note?: string;
}

export interface Section {
  title: string;
  ours: string;
  peer: string;
  rows: Row[];
  notes?: string[];
}

export function renderReport(
  sections: readonly Section[],
  meta: { date: string; machine: string; command: string },
): string {
  const out = [
    '# Benchmarks',
    '',
    '<!-- Written by the benchmark run; do not edit by hand. -->',
    '',
    `Measured ${meta.date} on ${meta.machine}. Each table compares ours with its peer in one run`,
    'against the same freshly started local servers (moto, the local OCI registry). These machines',
    'are shared and noisy: read the ratios (ours / peer, below 1 means ours is faster), not the',
    'absolute times. Where a target is missed, the notes under its table say what limits it.',
    '',
    'Produced by (`--quick` for tiny sizes and one run, `--only s3,ecr` for some suites, `--out FILE`',
    'to write elsewhere):',
    '',
    '<!-- tested-by: bench/test/smoke.test.ts -->',
    '```sh',
    meta.command,
    '```',
    '',
  ];
  for (const section of sections) {
    out.push(
      `## ${section.title}`,
      '',
      `| case | ${section.ours} | ${section.peer} | ratio | target |`,
      '|---|---|---|---|---|',
    );
    for (const row of section.rows)
      out.push(
        `| ${row.case} | ${row.ours} | ${row.peer} | ${row.ratio} | ${row.target}${row.note ? ` ${row.note}` : ''} |`,
      );
    out.push('');
    for (const note of section.notes ?? []) out.push(`- ${note}`);
    if (section.notes?.length) out.push('');
  }
  return out.join('\n');
}
