/**
 * Local rehearsal: the wall time of `bash scripts/rehearse.sh` for a push to integration, split by
 * job from the one progress line the rehearsal prints when each job ends, so the slowest part is
 * visible. No peer: the rehearsal is the thing a user runs instead of pushing to find out.
 */
import { repoRoot } from '@pipelines/testkit';
import { timeCommand } from '../measure';
import type { Row, Section } from '../report';
import { formatMs } from '../stats';

export interface JobTime {
  job: string;
  state: string;
  seconds: number;
}

/** The rehearsal's job-ended lines, e.g. `  ✓ upload         success   12.4s`. */
export function jobTimes(output: string): JobTime[] {
  const jobs: JobTime[] = [];
  for (const line of output.split('\n')) {
    const m = /^\s+[✓–✗]\s+(\S+)\s+(\S+)\s+([\d.]+)s\s*$/.exec(line);
    if (m) jobs.push({ job: m[1]!, state: m[2]!, seconds: Number(m[3]) });
  }
  return jobs;
}

const section = (rows: Row[], notes: string[]): Section => ({
  title: 'Local rehearsal: bash scripts/rehearse.sh, push to integration',
  ours: 'wall time',
  peer: 'share of the run',
  rows,
  notes,
});

export async function rehearsalSuite({ quick }: { quick: boolean }): Promise<Section> {
  if (quick)
    return section(
      [
        {
          case: 'whole rehearsal',
          ours: 'not measured in --quick (a rehearsal takes minutes)',
          peer: '-',
          ratio: '-',
          target: '(informational)',
        },
      ],
      [],
    );
  const run = await timeCommand('bash', ['scripts/rehearse.sh'], process.env, repoRoot);
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.exitCode !== 0) {
    const last = output
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-3)
      .join(' / ');
    return section(
      [
        {
          case: 'whole rehearsal',
          ours: `not measured: the rehearsal did not pass (exit ${run.exitCode} after ${formatMs(run.ms)})`,
          peer: '-',
          ratio: '-',
          target: '(informational)',
        },
      ],
      [`Its last lines: ${last.replace(/\|/g, '\\|').slice(0, 400)}`],
    );
  }
  const jobs = jobTimes(output).sort((a, b) => b.seconds - a.seconds);
  return section(
    [
      {
        case: 'whole rehearsal',
        ours: formatMs(run.ms),
        peer: '100%',
        ratio: '-',
        target: '(informational)',
      },
      ...jobs.map((j) => ({
        case: `job ${j.job} (${j.state})`,
        ours: formatMs(j.seconds * 1000),
        peer: `${Math.round((j.seconds * 100_000) / run.ms)}%`,
        ratio: '-',
        target: '',
      })),
    ],
    [
      'Shares are of the whole run; act runs independent jobs side by side, so they add up to more than 100%. The whole run also covers starting the local AWS, provisioning it and verifying the deploy.',
    ],
  );
}
