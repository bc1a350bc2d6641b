/** Test fixtures: a workspace with a lockfile and a directory to cache, and runs of both steps. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, runAction, type ActionRun } from '@pipelines/testkit';

export const ACTION = 'actions/cache-dependencies';
/** pnpm and the tools the runner would have on PATH. */
export const PATH = `${path.join(repoRoot, '.tools', 'bin')}:${process.env.PATH ?? ''}`;

export interface Workspace {
  dir: string;
  store: string;
  setLockfile(content: string): void;
  cleanup(): void;
}

/** A checkout with a pnpm-lock.yaml, and a "store" outside it with a few files. */
export function workspace(lockfile = 'lockfileVersion: 9.0\n'): Workspace {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cache-deps-test-'));
  const dir = path.join(root, 'repo');
  const store = path.join(root, 'store');
  mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
  // A lockfile under node_modules must not count.
  writeFileSync(path.join(dir, 'node_modules', 'dep', 'pnpm-lock.yaml'), `${Math.random()}`);
  writeFileSync(path.join(dir, 'pnpm-lock.yaml'), lockfile);
  mkdirSync(path.join(store, 'files', '00'), { recursive: true });
  writeFileSync(path.join(store, 'files', '00', 'abc'), 'package file');
  return {
    dir,
    store,
    setLockfile: (content) => writeFileSync(path.join(dir, 'pnpm-lock.yaml'), content),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  } catch {
    return [];
  }
}

export interface Job {
  inputs: Record<string, string>;
  env: Record<string, string>;
  cwd: string;
}

/** Runs main then, like the runner after a successful job, post with main's state. */
export async function mainThenPost(job: Job): Promise<{ main: ActionRun; post: ActionRun }> {
  const main = await runAction({ action: ACTION, phase: 'main', ...job });
  const post = await runAction({ action: ACTION, phase: 'post', state: main.state, ...job });
  return { main, post };
}

export function runMain(job: Job): Promise<ActionRun> {
  return runAction({ action: ACTION, phase: 'main', ...job });
}

/** Fails with the step's own log, so a failing test shows why. */
export function expectOk(run: ActionRun): void {
  if (run.exitCode !== 0) {
    throw new Error(`step failed (${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
}
