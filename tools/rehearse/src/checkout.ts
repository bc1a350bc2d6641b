/**
 * The first phase: what is rehearsed and where. environments.yml's routing of the ref, the commit
 * (HEAD, or the working tree with --worktree), the run's folder under .rehearsal/, and the clone
 * act runs in.
 */
import path from 'node:path';
import { loadEnvironments, resolveRef } from '@pipelines/environments';
import { repoRoot, toolPath } from '@pipelines/testkit';
import { announcement } from './messages';
import type { RehearsalOptions, RunStart } from './record';
import type { Started } from './teardown';
import { checkoutCommit, createRunFolder, gitHead } from './workspace';

export function openRun(options: RehearsalOptions, started: Started): RunStart {
  const source = options.repo ?? repoRoot;
  const began = Date.now();
  const model = loadEnvironments(path.join(source, 'environments.yml'));
  const resolution = resolveRef(model, options.ref);
  const head = gitHead(source);
  const folder = createRunFolder(path.join(source, '.rehearsal'), {
    node: toolPath('node24'),
    pnpm: toolPath('pnpm'),
  });
  started.folder = folder;
  const directory = options.worktree
    ? source
    : checkoutCommit(source, head.sha, path.join(folder.root, 'repo'), model.project.github);
  options.log(announcement(options.ref, head, resolution));
  return { options, began, source, model, resolution, head, folder, directory };
}
