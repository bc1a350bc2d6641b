/**
 * The hold on a slot of the servers' test hosts (serverSlots.ts). Two rehearsals booting hosts of
 * one slot at once (two test files, or a test and `bash scripts/rehearse.sh`) would collide on a
 * network namespace, so each slot has a lock: a folder made atomically under /run/lock holding
 * the owner's pid. A rehearsal takes its tier's own slot if free, else the first free spare
 * (chooseSlot), and waits only while every one of them is held; a folder whose owner is gone is
 * taken over, so a killed rehearsal never blocks the next one.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Tier } from '@pipelines/environments';
import { chooseSlot, SPARE_SLOTS, type ServerSlot } from './serverSlots';

export interface ServersLock {
  /** The slot this rehearsal boots its servers in. */
  readonly slot: ServerSlot;
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

/**
 * Makes the lock folder, taking it over from an owner that is gone. Returns true when this
 * process holds it, false when another running rehearsal (or one still writing its pid) does.
 */
function take(folder: string): boolean {
  for (;;) {
    try {
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'pid'), String(process.pid));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = ownerOf(folder);
    if (owner === undefined || running(owner)) return false;
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Takes a free slot for `tier`'s servers, waiting while other live rehearsals hold them all. */
export async function acquireServersLock(
  tier: Tier,
  log: (line: string) => void,
  options: { readonly dir?: string; readonly pollMs?: number } = {},
): Promise<ServersLock> {
  const folderOf = (slot: ServerSlot) =>
    path.join(options.dir ?? '/run/lock', `pipelines-rehearsal-servers-${slot.id}`);
  let told = false;
  for (;;) {
    const taken = new Set<string>();
    for (let slot = chooseSlot(tier, taken); slot; slot = chooseSlot(tier, taken)) {
      const folder = folderOf(slot);
      if (take(folder)) {
        if (SPARE_SLOTS.includes(slot))
          log(
            `Servers: another rehearsal holds the ${tier} tier's own test hosts: booting in the spare slot ${slot.id}`,
          );
        return { slot, release: () => rmSync(folder, { recursive: true, force: true }) };
      }
      taken.add(slot.id);
    }
    if (!told) {
      log(
        `Servers: waiting for another rehearsal to finish: every slot of test hosts for the ${tier} tier's servers is held (${[...taken].join(', ')})`,
      );
      told = true;
    }
    await sleep(options.pollMs ?? 1000);
  }
}
