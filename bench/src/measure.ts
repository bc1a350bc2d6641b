/** Timing of whole commands, as a user would run them: process start to exit. */
import { spawn } from 'node:child_process';

export interface Timed {
  ms: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function timeCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        ms: Number(process.hrtime.bigint() - start) / 1e6,
        exitCode: code ?? 1,
        stdout,
        stderr,
      }),
    );
  });
}

/** Runs `once` n times (after `warmup` unmeasured runs) and returns the times. */
export async function repeat(
  n: number,
  once: (i: number) => Promise<number>,
  warmup = 0,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await once(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await once(i));
  return times;
}

/** Fails loudly: a benchmark of a command that failed measures nothing. */
export function mustSucceed(label: string, run: Timed): number {
  if (run.exitCode !== 0)
    throw new Error(
      `${label} failed (exit ${run.exitCode}):\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`,
    );
  return run.ms;
}
