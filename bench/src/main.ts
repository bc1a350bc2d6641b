/**
 * `bash scripts/bench.sh [--quick] [--only NAME,...] [--out FILE]`: runs every benchmark against
 * freshly started local servers and writes docs/benchmarks.md. --quick uses tiny sizes and one
 * run each (the test suite runs it that way to prove the command works; its figures mean nothing).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@pipelines/testkit';
import { renderReport, type Section } from './report';
import { suites } from './suites';

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string', default: path.join(repoRoot, 'docs', 'benchmarks.md') },
    },
  });
  const only = values.only?.split(',').map((s) => s.trim());
  const sections: Section[] = [];
  for (const suite of suites) {
    if (only && !only.includes(suite.name)) continue;
    console.error(`bench: ${suite.name}…`);
    sections.push(await suite.run({ quick: values.quick ?? false }));
  }
  const report = renderReport(sections, {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.cpus()[0]?.model ?? 'unknown cpu'}`,
    command: `bash scripts/bench.sh${values.quick ? ' --quick' : ''}${values.only ? ` --only ${values.only}` : ''}`,
  });
  writeFileSync(values.out!, report);
  console.log(report);
  return 0;
}
