import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is tools/workflow-checks/src/paths.ts). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const workflowsDir = path.join(repoRoot, '.github', 'workflows');

/** Absolute paths of every workflow file in .github/workflows. */
export function workflowFiles(dir = workflowsDir): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}
