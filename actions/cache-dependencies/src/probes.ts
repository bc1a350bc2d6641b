/** What the key and the default path need from the machine: pnpm's store and Node's version. */
import * as exec from '@actions/exec';
import { InputError } from '@pipelines/action-kit';
import { nodeMajor } from './key';

/** The store pnpm itself uses here; asking pnpm is the only reliable way (config, env, XDG). */
export async function pnpmStorePath(cwd: string): Promise<string> {
  const result = await exec
    .getExecOutput('pnpm', ['store', 'path'], { cwd, silent: true, ignoreReturnCode: true })
    .catch((error: unknown) => ({ exitCode: -1, stdout: '', stderr: String(error) }));
  const store = result.stdout.trim().split('\n').pop()?.trim() ?? '';
  if (result.exitCode !== 0 || !store) {
    throw new InputError(
      'path',
      `was not set, and asking pnpm for its store failed (${result.stderr.trim() || `exit ${result.exitCode}`})`,
      'Set up pnpm before this step (for example pnpm/action-setup), or set path.',
    );
  }
  return store;
}

/**
 * The major of the Node that will install dependencies (the one on PATH, which is not the
 * action's own Node 24); the action's own when none is on PATH.
 */
export async function installingNodeMajor(cwd: string): Promise<number> {
  const result = await exec
    .getExecOutput('node', ['--version'], { cwd, silent: true, ignoreReturnCode: true })
    .catch(() => ({ exitCode: -1, stdout: '' }));
  return nodeMajor(result.exitCode === 0 ? result.stdout : process.version);
}
