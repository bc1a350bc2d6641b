/**
 * The action's inputs, validated once: a full git ref (what github.ref holds) and the path of
 * environments.yml inside the workspace.
 */
import path from 'node:path';
import { z } from 'zod';
import { input, InputError, parseInputs, type Env } from '@pipelines/action-kit';
import { isGitRefName } from '@pipelines/environments';

export interface Inputs {
  ref: string;
  /** The config path as given (relative to the workspace): what messages and annotations show. */
  config: string;
  /** The same file, absolute. */
  configPath: string;
  /** The repository root (GITHUB_WORKSPACE): where the image build scripts are looked for. */
  workspace: string;
}

const specs = {
  ref: input(
    z
      .string()
      .refine((v) => v.startsWith('refs/'), 'expected a full ref starting with refs/')
      .refine(isGitRefName, 'not a valid git ref name'),
    'Pass a full ref such as refs/heads/integration or refs/tags/mint (the default, github.ref, is one).',
  ),
  config: input(
    z.string().default('environments.yml'),
    'Give the path of environments.yml relative to the repository root, e.g. environments.yml.',
  ),
};

export function getInputs(env: Env = process.env): Readonly<Inputs> {
  // The runner trims inputs; a ref with a trailing newline (a `ref: |` block) would then resolve
  // as if it were clean. Refs never contain whitespace, so such a value is a mistake: say so.
  const untrimmed = env.INPUT_REF ?? '';
  if (untrimmed !== untrimmed.trim()) {
    throw new InputError(
      'ref',
      `has leading or trailing whitespace (${JSON.stringify(untrimmed.slice(0, 120))})`,
      'Pass the ref on one line without spaces, e.g. ref: ${{ github.ref }} (not a | block).',
    );
  }
  const parsed = parseInputs(specs, env);
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
  const configPath = path.resolve(workspace, parsed.config);
  const relative = path.relative(workspace, configPath);
  if (path.isAbsolute(parsed.config) || relative === '' || relative.startsWith('..')) {
    throw new InputError(
      'config',
      `(${JSON.stringify(parsed.config)}) is not a file inside the workspace`,
      'Give a path relative to the repository root, e.g. environments.yml.',
    );
  }
  return Object.freeze({ ref: parsed.ref, config: parsed.config, configPath, workspace });
}
