/**
 * The action's two steps. The only file that reads inputs and state (summary.ts sets outputs).
 *   main: compute the key, restore (or look up) the newest matching entry.
 *   post: save the path under the key, only after a miss (and, per action.yml, a successful job).
 */
import * as core from '@actions/core';
import { readFileSync } from 'node:fs';
import { resolveRegion, InputError } from '@pipelines/action-kit';
import type { CacheBackend } from './backend';
import { postDecision } from './decide';
import { getInputs, type Inputs } from './inputs';
import { cacheKeys } from './key';
import { cacheScope, defaultBranchFromEvent, githubCacheUsable } from './scope';
import { reportRestore, reportSave } from './summary';

/**
 * The runner gives the post step the state the main step saved (as STATE_<name>), so the one
 * bundle knows which step it is: main records `isPost` first thing (the pattern of
 * actions/checkout and actions/cache).
 */
export function isPostStep(): boolean {
  return core.getState('isPost') === 'true';
}

export async function run(): Promise<void> {
  core.saveState('isPost', 'true');
  const inputs = getInputs();
  const skipped = skipReason(inputs);
  // Before any probe or hashing, so a runner without the backend fails at once.
  const backend = skipped ? undefined : await createBackend(inputs);
  // Globbing, probes and archiving are chunks of their own, loaded only now: a step failing on
  // its inputs or its backend starts fast, and a post step that saves nothing never loads them.
  const [{ hashLockfiles }, { installingNodeMajor, pnpmStorePath }, { restore }] =
    await Promise.all([import('./lockfiles'), import('./probes'), import('./effects')]);
  const cwd = process.cwd();
  const target = inputs.path ?? (await pnpmStorePath(cwd));
  const lockfiles = await hashLockfiles(inputs.keyFiles, cwd);
  if (lockfiles.files.length === 0) {
    throw new InputError(
      'key-files',
      `matched no files under ${cwd} (${inputs.keyFiles.join(', ')})`,
      'Point key-files at your lockfiles (default **/pnpm-lock.yaml), and check out the repository first.',
    );
  }
  const keys = cacheKeys({
    prefix: inputs.keyPrefix ?? '',
    platform: process.platform,
    arch: process.arch,
    nodeMajor: await installingNodeMajor(cwd),
    lockfilesHash: lockfiles.sha256,
  });
  // State for the post step: the key and the path, never anything secret.
  core.saveState('key', keys.key);
  core.saveState('path', target);
  core.saveState('cacheHit', 'false');

  if (skipped) {
    core.saveState('skipped', skipped);
    core.info(`Not restoring: ${skipped}.`);
  }
  const restored = backend
    ? await restore(backend, keys, target, inputs.lookupOnly)
    : { hit: false, matchedKey: '', note: `not used: ${skipped}` };
  core.saveState('cacheHit', String(restored.hit));
  await reportRestore({
    backend: inputs.backend,
    key: keys.key,
    target,
    lockfiles: lockfiles.files,
    restored,
  });
}

export async function post(): Promise<void> {
  const state = {
    key: core.getState('key'),
    path: core.getState('path'),
    cacheHit: core.getState('cacheHit'),
    skipped: core.getState('skipped'),
  };
  const decision = postDecision(state);
  if (!decision.save) {
    core.info(`Not saving: ${decision.reason}.`);
    return;
  }
  const backend = await createBackend(getInputs());
  const { save } = await import('./effects');
  const saved = await save(backend, state.key, state.path);
  core.info(`${state.key}: ${saved.note}`);
  await reportSave({ backend: backend.name, key: state.key, path: state.path, note: saved.note });
}

/** Why the cache must not be used on this run at all, if it must not (see scope.ts). */
function skipReason(inputs: Readonly<Inputs>): string | undefined {
  if (inputs.backend !== 'github') return undefined;
  if (githubCacheUsable(process.env.GITHUB_REF, inputs.protectedOnly)) return undefined;
  return (
    'protected-only is set and this run is not on a branch; GitHub’s cache would serve this ' +
    'ref’s own entries first, which anyone who may push this ref name could have saved'
  );
}

/**
 * Each backend's SDK is loaded only when chosen (the Azure SDK under @actions/cache and the AWS
 * SDK are each about a megabyte), so the bundle's entry stays small.
 */
async function createBackend(inputs: Readonly<Inputs>): Promise<CacheBackend> {
  if (inputs.backend === 'github') return (await import('./github.js')).githubBackend();
  const env = process.env;
  const region = resolveRegion(inputs.awsRegion);
  return (await import('./s3.js')).s3Backend({
    bucket: inputs.s3Bucket ?? '',
    root: inputs.s3Prefix,
    region,
    scope: cacheScope({
      repository: env.GITHUB_REPOSITORY,
      ref: env.GITHUB_REF,
      defaultBranch: inputs.defaultBranch ?? defaultBranchFromEvent(readEvent()),
      protectedOnly: inputs.protectedOnly,
    }),
  });
}

/** The event payload GitHub writes for every run (absent when run by hand). */
function readEvent(): unknown {
  const file = process.env.GITHUB_EVENT_PATH;
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
