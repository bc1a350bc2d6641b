/** The repositories the rehearsal tests rehearse: a small fixture, or a clone of this one. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@pipelines/testkit';
import { rehearse, type Rehearsal, type RehearsalOptions } from '../src/rehearse';

/** Copies test/fixtures/mini into a temporary git repository with the real environments.yml. */
export function miniRepo(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-mini-'));
  cpSync(path.join(__dirname, 'fixtures', 'mini'), dir, { recursive: true });
  cpSync(path.join(repoRoot, 'environments.yml'), path.join(dir, 'environments.yml'));
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=rehearsal@localhost', '-c', 'user.name=rehearsal', 'commit', '-qm', 'mini');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A clone of this repository's HEAD in a temporary folder, for a test to change and rehearse.
 * Only for speed, it starts from this repository's build cache (.rehearsal/act-cache, ignored by
 * git): the keys are content hashes, so whatever the test changes still builds.
 */
export function cloneOfThisRepository(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rehearse-${prefix}-`));
  execFileSync('git', ['clone', '-q', repoRoot, dir]);
  const cache = path.join(repoRoot, '.rehearsal', 'act-cache');
  if (existsSync(cache))
    cpSync(cache, path.join(dir, '.rehearsal', 'act-cache'), { recursive: true });
  return dir;
}

/** One rehearsal of a push of `ref` in `repo` (a clone), and the lines it printed. */
export async function rehearseClone(
  repo: string,
  ref: string,
  options: Partial<RehearsalOptions> = {},
): Promise<{ r: Rehearsal; lines: string[] }> {
  const lines: string[] = [];
  const r = await rehearse({
    ref,
    approve: false,
    worktree: false,
    workflow: '.github/workflows/pipeline.yml',
    repo,
    verbose: false,
    log: (line) => lines.push(line),
    ...options,
  });
  return { r, lines };
}
