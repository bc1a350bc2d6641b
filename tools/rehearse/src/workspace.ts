/**
 * The rehearsal's files: one folder per run under .rehearsal/ (git-ignored), holding the checkout
 * act copies into each job, the event, the derived workflow, the stand-ins' tool folder and act's
 * action cache. A run removes its own folder; a later run removes folders of runs that died (their
 * pid is gone), so nothing needs cleaning by hand. What outlives a run: the synth cache and the
 * cache act's cache server keeps (reuseCacheFolder), which is what makes a second run warm.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface RunFolder {
  root: string;
  bin: string;
  artifacts: string;
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
    actionCache: path.join(root, 'act'),
    actArtifacts: path.join(root, 'act-artifacts'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  for (const dir of [folder.bin, folder.artifacts, folder.actionCache]) {
    mkdirSync(dir, { recursive: true });
  }
  mkdirSync(folder.actArtifacts, { recursive: true });
  // What setup-node and pnpm/action-setup stand in for: Node 24 as `node`, the pinned pnpm.
  symlinkSync(tools.node, path.join(folder.bin, 'node'));
  symlinkSync(tools.pnpm, path.join(folder.bin, 'pnpm'));
  return folder;
}

/**
 * The folder of act's cache server for a ref: it outlives the run, so the build outputs a run
 * saved (by content hash, see .github/scripts/reuse.sh) are restored by the next run of the ref.
 * One folder per ref, as GitHub's cache is scoped to the ref that saved an entry: a rehearsal of a
 * feature branch never writes what a rehearsal of master restores. (GitHub also lets every ref
 * read the default branch's entries; here a ref reads only its own, which costs reuse, never
 * safety.)
 */
export function reuseCacheFolder(base: string, ref: string): string {
  const folder = path.join(base, 'act-cache', refFolderName(ref));
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** A ref as one folder name, distinct for distinct refs (`refs/heads/a` -> `refs%2fheads%2fa`). */
export function refFolderName(ref: string): string {
  return ref.replace(
    /[^A-Za-z0-9._-]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
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
