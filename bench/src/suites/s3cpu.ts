/**
 * CPU time of the S3 suite's processes (user + system): of our action's process, of the AWS CLI,
 * and of the moto server while it serves either. Wall time on a shared 2-core machine says how
 * long a run waited as much as how much work it did; CPU seconds say the work. Linux only (/proc,
 * bash's `times`); elsewhere the figures are missing, never guessed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Clock ticks per second of /proc/<pid>/stat: USER_HZ, 100 on every Linux build that matters. */
const USER_HZ = 100;

/** CPU seconds a live process has used so far, or undefined where /proc cannot say. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime is the
    // 14th field of the line, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Environment that makes a Node process write its own CPU seconds (process.resourceUsage at exit)
 * to a file: the action's process measured from inside, start-up included, nothing else.
 */
export function nodeCpuProbe(dir: string): { env: Record<string, string>; read(): number } {
  const probe = path.join(dir, 'cpu-probe.js');
  const out = path.join(dir, 'cpu-probe.out');
  writeFileSync(
    probe,
    `process.on('exit', () => { const u = process.resourceUsage(); require('fs').writeFileSync(${JSON.stringify(out)}, String((u.userCPUTime + u.systemCPUTime) / 1e6)); });\n`,
  );
  return {
    env: { NODE_OPTIONS: `--require ${probe}` },
    read: () => Number(readFileSync(out, 'utf8')),
  };
}

/**
 * A command run under bash so that bash's `times` reports, on stderr's last line, the CPU its
 * children used (bash's own start adds a few milliseconds to the wall time, none to that figure).
 */
export function withChildCpu(command: string, args: readonly string[]): [string, string[]] {
  return ['bash', ['-c', '"$@"; status=$?; times >&2; exit $status', 'bash', command, ...args]];
}

/** The children's CPU seconds from the `times` output at the end of `stderr`. */
export function childCpuSeconds(stderr: string): number | undefined {
  const lines = stderr.trimEnd().split('\n');
  const children = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? '');
  if (!children) return undefined;
  const [, um, us, sm, ss] = children.map(Number) as [number, number, number, number, number];
  return um * 60 + us + sm * 60 + ss;
}
