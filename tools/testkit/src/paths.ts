import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file is tools/testkit/src/paths.ts). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/**
 * A tool installed by scripts/bootstrap.sh into .tools/bin, or else the one on PATH (on a GitHub
 * runner, setup-node and pnpm/action-setup put pnpm and node there); fails with the fix when
 * neither has it.
 */
export function toolPath(name: string, searchPath: string = process.env.PATH ?? ''): string {
  const candidate = path.join(repoRoot, '.tools', 'bin', name);
  if (existsSync(candidate)) return candidate;
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const onPath = path.join(dir, name);
    if (existsSync(onPath)) return onPath;
  }
  throw new Error(
    `${name} is not installed at ${candidate} nor on PATH. Run: bash scripts/bootstrap.sh`,
  );
}

/** A program from the machine's packages (apt), by absolute path. */
export function systemTool(absolutePath: string): string {
  if (!existsSync(absolutePath)) {
    throw new Error(`${absolutePath} is not installed. Run: bash scripts/bootstrap.sh`);
  }
  return absolutePath;
}
