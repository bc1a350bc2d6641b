import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is tools/testkit/src/paths.ts). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** A tool installed by scripts/bootstrap.sh into .tools/bin; fails with the fix when absent. */
export function toolPath(name: string): string {
  const candidate = path.join(repoRoot, '.tools', 'bin', name);
  if (!existsSync(candidate)) {
    throw new Error(`${name} is not installed at ${candidate}. Run: bash scripts/bootstrap.sh`);
  }
  return candidate;
}

/** A program from the machine's packages (apt), by absolute path. */
export function systemTool(absolutePath: string): string {
  if (!existsSync(absolutePath)) {
    throw new Error(`${absolutePath} is not installed. Run: bash scripts/bootstrap.sh`);
  }
  return absolutePath;
}
