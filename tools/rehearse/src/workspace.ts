/**
 * The rehearsal's files: one folder per run under .rehearsal/ (git-ignored), holding the checkout
 * act copies into each job, the event, the derived workflow, the stand-ins' tool folder and act's
 * caches. A run removes its own folder; a later run removes folders of runs that died (their pid
 * is gone), so nothing needs cleaning by hand.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface RunFolder {
  root: string;
  bin: string;
  artifacts: string;
  actCache: string;
  actionCache: string;
  actArtifacts: string;
  remove(): void;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes run folders whose owner process is gone (a run killed with SIGKILL). */
export function removeStaleRuns(base: string): string[] {
  if (!existsSync(base)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(base)) {
    const pid = Number(/^run-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      rmSync(path.join(base, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

export function createRunFolder(base: string, tools: { node: string; pnpm: string }): RunFolder {
  removeStaleRuns(base);
  const root = path.join(base, `run-${process.pid}-${Date.now()}`);
  const folder: RunFolder = {
    root,
    bin: path.join(root, 'bin'),
    artifacts: path.join(root, 'artifacts'),
    actCache: path.join(root, 'act-cache-server'),
    actionCache: path.join(root, 'act'),
    actArtifacts: path.join(root, 'act-artifacts'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  for (const dir of [folder.bin, folder.artifacts, folder.actCache, folder.actionCache]) {
    mkdirSync(dir, { recursive: true });
  }
  mkdirSync(folder.actArtifacts, { recursive: true });
  // What setup-node and pnpm/action-setup stand in for: Node 24 as `node`, the pinned pnpm.
  symlinkSync(tools.node, path.join(folder.bin, 'node'));
  symlinkSync(tools.pnpm, path.join(folder.bin, 'pnpm'));
  return folder;
}

/**
 * A checkout of one commit, as GitHub would check it out for a push: a clone of the repository at
 * `sha` (sharing its objects, so it is quick), whose origin names the GitHub repository so that
 * act derives github.repository from it.
 */
export function checkoutCommit(
  repo: string,
  sha: string,
  into: string,
  githubRepository: string,
): string {
  const git = (...args: string[]) =>
    execFileSync('git', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' }).trim();
  git('clone', '--quiet', '--shared', '--no-checkout', repo, into);
  git('-C', into, 'checkout', '--quiet', '--detach', sha);
  git('-C', into, 'remote', 'set-url', 'origin', `https://github.com/${githubRepository}.git`);
  return into;
}

export function gitHead(repo: string): { sha: string; message: string } {
  const out = execFileSync('git', ['-C', repo, 'log', '-1', '--format=%H%n%s'], {
    encoding: 'utf8',
  });
  const [sha = '', message = ''] = out.split('\n');
  return { sha, message };
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}
