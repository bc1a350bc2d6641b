/**
 * Local rehearsal: the wall time of `bash scripts/rehearse.sh` for a push to integration, cold (the
 * rehearsal's caches emptied) and then warm (the same run again, nothing changed), each split by
 * job from the one progress line the rehearsal prints when each job ends, so the slowest part is
 * visible. No peer: the rehearsal is the thing a user runs instead of pushing to find out.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@pipelines/testkit';
import { timeCommand, type Timed } from '../measure';
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
  title: 'Local rehearsal: bash scripts/rehearse.sh, push to integration, cold then warm',
  ours: 'wall time',
  peer: 'share of the run',
  rows,
  notes,
});

/** What a cold run starts without: the rehearsal's caches that outlive a run. */
export const REHEARSAL_CACHES = ['.rehearsal/act-cache', '.rehearsal/synth-cache'];

export type Phase = 'cold' | 'warm';

/** One run's rows: the whole run, then its jobs, slowest first, each named with its phase. */
export function phaseRows(phase: Phase, run: Timed): Row[] {
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.exitCode !== 0) {
    const last = output
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-3)
      .join(' / ');
    return [
      {
        case: `${phase}: whole rehearsal`,
        ours: `not measured: the rehearsal did not pass (exit ${run.exitCode} after ${formatMs(run.ms)})`,
        peer: '-',
        ratio: '-',
        target: last.replace(/\|/g, '\\|').slice(0, 200),
      },
    ];
  }
  const jobs = jobTimes(output).sort((a, b) => b.seconds - a.seconds);
  return [
    {
      case: `${phase}: whole rehearsal`,
      ours: formatMs(run.ms),
      peer: '100%',
      ratio: '-',
      // The target: a warm rehearsal (nothing changed since the last) within 60 s.
      target:
        phase === 'warm'
          ? run.ms <= WARM_TARGET_MS
            ? 'met (≤ 60 s)'
            : '**missed** (target ≤ 60 s)'
          : '(informational)',
    },
    ...jobs.map((j) => ({
      case: `${phase}: job ${j.job} (${j.state})`,
      ours: formatMs(j.seconds * 1000),
      peer: `${Math.round((j.seconds * 100_000) / run.ms)}%`,
      ratio: '-',
      target: '',
    })),
  ];
}

/** A warm rehearsal's target on this 2-core machine. */
const WARM_TARGET_MS = 60_000;

export async function rehearsalSuite({ quick }: { quick: boolean }): Promise<Section> {
  if (quick)
    return section(
      (['cold', 'warm'] as const).map((phase) => ({
        case: `${phase}: whole rehearsal`,
        ours: 'not measured in --quick (a rehearsal takes minutes)',
        peer: '-',
        ratio: '-',
        target: '(informational)',
      })),
      [],
    );
  // Cold: the tools installed (bootstrap), the rehearsal's own caches emptied. Warm: the same
  // command again, nothing changed.
  for (const dir of REHEARSAL_CACHES)
    rmSync(path.join(repoRoot, dir), { recursive: true, force: true });
  const rehearse = () => timeCommand('bash', ['scripts/rehearse.sh'], process.env, repoRoot);
  const cold = await rehearse();
  const warm = await rehearse();
  return section(
    [...phaseRows('cold', cold), ...phaseRows('warm', warm)],
    [
      `Cold: the tools installed, ${REHEARSAL_CACHES.join(' and ')} emptied first (the machine's pnpm store stays warm: the rehearsal installs offline from it). Warm: the same command right after, nothing changed; build, package and build-image reuse their outputs by content hash (docs/workflows.md, "Reusing build outputs").`,
      'Shares are of the whole run; act runs independent jobs side by side, so they add up to more than 100%. The whole run also covers starting the local AWS, provisioning it and verifying the deploy.',
    ],
  );
}
