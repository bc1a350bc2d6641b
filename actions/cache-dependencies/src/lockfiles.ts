/**
 * The lockfiles part of the key: every file matched by key-files (never under node_modules),
 * hashed by relative path and content in a stable order, so moving or editing a lockfile
 * changes the key and nothing else does.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import * as glob from '@actions/glob';

export interface Lockfiles {
  files: string[];
  sha256: string;
}

export async function hashLockfiles(patterns: readonly string[], cwd: string): Promise<Lockfiles> {
  const globber = await glob.create([...patterns, '!**/node_modules/**'].join('\n'), {
    // pnpm's node_modules are symlink farms; following them would walk every package twice.
    followSymbolicLinks: false,
    implicitDescendants: false,
    matchDirectories: false,
  });
  const files = (await globber.glob()).map((file) => path.relative(cwd, file)).sort();
  const total = createHash('sha256');
  for (const file of files) {
    const digest = createHash('sha256');
    for await (const chunk of createReadStream(path.join(cwd, file)))
      digest.update(chunk as Buffer);
    total.update(`${file.split(path.sep).join('/')}\0${digest.digest('hex')}\n`);
  }
  return { files, sha256: total.digest('hex') };
}
