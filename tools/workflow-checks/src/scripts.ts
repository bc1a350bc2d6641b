/**
 * Runs one of the workflows' committed scripts (.github/scripts/<name>.sh) the way a `run:` step
 * does: bash from the repository root, the given environment variables and a fresh GITHUB_OUTPUT
 * file; returns its exit status, its log and the step outputs it wrote.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths';

export interface ScriptRun {
  status: number | null;
  log: string;
  outputs: Record<string, string>;
}

/** A step's GITHUB_OUTPUT file, the script's arguments and options, and how to finish. */
function step(name: string, env: Record<string, string>, scriptArgs: readonly string[] = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-script-'));
  const output = path.join(dir, 'output');
  writeFileSync(output, '');
  return {
    args: [path.join('.github', 'scripts', name), ...scriptArgs],
    options: {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GITHUB_OUTPUT: output, ...env },
    },
    finish(status: number | null, log: string): ScriptRun {
      const outputs = Object.fromEntries(
        readFileSync(output, 'utf8')
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      rmSync(dir, { recursive: true, force: true });
      return { status, log, outputs };
    },
  };
}

/** Runs a script synchronously (for scripts that need nothing from the test process). */
export function runScript(
  name: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): ScriptRun {
  const s = step(name, env, args);
  const result = spawnSync('bash', s.args, { ...s.options, encoding: 'utf8' });
  return s.finish(result.status, result.stdout + result.stderr);
}

/** Runs a script without blocking the event loop (for scripts that call a server of the test). */
export function runScriptAsync(name: string, env: Record<string, string>): Promise<ScriptRun> {
  const s = step(name, env);
  const child = spawn('bash', s.args, s.options);
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve(s.finish(status, log))));
}
