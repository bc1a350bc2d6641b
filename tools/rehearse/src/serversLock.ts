/**
 * One rehearsal of a tier's servers at a time on this machine. The servers' test hosts have fixed
 * names and addresses per tier (servers.ts), so two rehearsals booting them at once (two test
 * files, or a test and `bash scripts/rehearse.sh`) would collide on a network namespace. The lock
 * is a folder made atomically under /run/lock holding the owner's pid; a folder whose owner is
 * gone is taken over, so a killed rehearsal never blocks the next one.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServersLock {
  release(): void;
}

/** Whether a process with this pid runs (signal 0 checks without sending anything). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's folder's owner, or undefined when the folder is gone or names no pid. */
function ownerOf(folder: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(folder, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock of `tier`'s servers, waiting while another live rehearsal holds it. */
export async function acquireServersLock(
  tier: string,
  log: (line: string) => void,
  options: { readonly dir?: string; readonly pollMs?: number } = {},
): Promise<ServersLock> {
  const folder = path.join(options.dir ?? '/run/lock', `pipelines-rehearsal-servers-${tier}`);
  let told = false;
  for (;;) {
    try {
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'pid'), String(process.pid));
      return { release: () => rmSync(folder, { recursive: true, force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = ownerOf(folder);
    if (owner !== undefined && !running(owner)) {
      rmSync(folder, { recursive: true, force: true });
      continue;
    }
    if (!told) {
      log(
        `Servers: waiting for another rehearsal of the ${tier} tier's servers (pid ${owner ?? 'starting'}) to finish`,
      );
      told = true;
    }
    await sleep(options.pollMs ?? 1000);
  }
}
