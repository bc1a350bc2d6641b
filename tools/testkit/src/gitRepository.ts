/**
 * A real git repository in a temporary folder, for tests that need commits (the GitHub stand-in's
 * git routes read it): commits with chosen authors, branches, and nothing of the user's git config.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Author {
  name: string;
  email: string;
}

export interface GitRepository {
  path: string;
  /** Commits a change of one file; returns the new commit's sha. */
  commit(message: string, author?: Author): string;
  /** Many commits on the current branch in one git process (`change 0` ...); returns their shas. */
  commitMany(count: number, author?: Author): string[];
  /** Runs git in the repository; returns its output, trimmed. */
  git(...args: string[]): string;
  remove(): void;
}

const NOBODY: Author = { name: 'Test Author', email: 'author@example.org' };

export function createGitRepository(): GitRepository {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'git-repository-'));
  let n = 0;
  const run = (args: string[], env: Record<string, string> = {}, input?: string) =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      input,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        ...env,
      },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    }).trim();
  const git = (...args: string[]) => run(args);
  git('init', '--quiet', '--initial-branch=master');
  return {
    path: dir,
    git,
    commit(message, author = NOBODY) {
      n++;
      writeFileSync(path.join(dir, 'change.txt'), `${n} ${message}\n`);
      git('add', 'change.txt');
      // Distinct, increasing dates: the order of the commits is the order they were made.
      const date = `2026-01-01T00:${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`;
      run(['commit', '--quiet', '--no-gpg-sign', '-m', message], {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
        GIT_COMMITTER_DATE: date,
      });
      return git('rev-parse', 'HEAD');
    },
    commitMany(count, author = NOBODY) {
      const branch = git('symbolic-ref', '--short', 'HEAD');
      const parent = git('rev-parse', 'HEAD');
      const stream = Array.from({ length: count }, (_, i) => {
        const message = `change ${i}`;
        const when = 1_767_225_600 + 3600 + i;
        return [
          `commit refs/heads/${branch}`,
          `mark :${i + 1}`,
          `author ${author.name} <${author.email}> ${when} +0000`,
          `committer ${author.name} <${author.email}> ${when} +0000`,
          `data ${Buffer.byteLength(message)}`,
          message,
          i === 0 ? `from ${parent}` : `from :${i}`,
          `M 644 inline many.txt`,
          `data ${Buffer.byteLength(String(i))}`,
          String(i),
          '',
        ].join('\n');
      }).join('\n');
      run(['fast-import', '--quiet'], {}, stream);
      git('reset', '--quiet', '--hard');
      return git('rev-list', '--reverse', `${parent}..HEAD`).split('\n');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
