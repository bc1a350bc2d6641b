/**
 * Restores an archive to its real path without ever leaving a half-written directory there:
 * extract into a temp dir next to the target (same filesystem), and only when extraction
 * succeeded, swap it in with renames.
 */
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { extractArchive } from './archive';

export async function restoreArchive(archive: string, target: string): Promise<void> {
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(path.join(parent, `.${path.basename(target)}.restore-`));
  try {
    await extractArchive(archive, staging);
    if (await exists(target)) {
      // The target (often an empty store pnpm created) is replaced by the restored one.
      const old = `${staging}.old`;
      await rename(target, old);
      await rename(staging, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
