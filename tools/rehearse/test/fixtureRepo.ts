/** Copies test/fixtures/mini into a temporary git repository with the real environments.yml. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@pipelines/testkit';

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
