import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseSlot, slotsOf, SPARE_SLOTS } from './serverSlots';
import { acquireServersLock, type ServersLock } from './serversLock';

describe('chooseSlot', () => {
  const spares = SPARE_SLOTS.map((slot) => slot.id);
  it.each([
    ['its tier’s own slot when nothing is taken', 'lower', [], 'lower'],
    ['its tier’s own slot while the other tier’s is taken', 'upper', ['lower'], 'upper'],
    ['the first spare when its own is taken', 'lower', ['lower'], 'spare1'],
    ['the next spare when the first is taken too', 'lower', ['lower', 'spare1'], 'spare2'],
    ['a free spare before a taken one, in order', 'upper', ['upper', 'spare2'], 'spare1'],
    ['its own slot even when every spare is taken', 'upper', spares, 'upper'],
    [
      'none (it waits) when its own and every spare are taken',
      'lower',
      ['lower', ...spares],
      undefined,
    ],
  ] as const)('takes %s', (_, tier, taken, chosen) => {
    expect(chooseSlot(tier, new Set(taken))?.id).toBe(chosen);
  });

  it('never offers one tier the other tier’s own slot', () => {
    expect(slotsOf('lower').map((slot) => slot.id)).not.toContain('upper');
    expect(slotsOf('upper').map((slot) => slot.id)).not.toContain('lower');
  });
});

const lockDir = () => mkdtempSync(path.join(os.tmpdir(), 'servers-lock-'));
const folderOf = (dir: string, id: string) => path.join(dir, `pipelines-rehearsal-servers-${id}`);
/** A lock folder held by this process (alive), as another rehearsal's would be. */
const holdAsAnother = (dir: string, id: string) => {
  mkdirSync(folderOf(dir, id));
  writeFileSync(path.join(folderOf(dir, id), 'pid'), String(process.pid));
};
/** The pid of a process that has exited: a killed rehearsal's. */
async function gonePid(): Promise<number> {
  const gone = spawn('true');
  await new Promise((r) => gone.once('exit', r));
  return gone.pid!;
}

describe("the lock on a slot of a tier's servers", () => {
  it("takes the tier's own slot when it is free", async () => {
    const dir = lockDir();
    const lock = await acquireServersLock('lower', () => undefined, { dir });
    expect(lock.slot.id).toBe('lower');
    expect(existsSync(folderOf(dir, 'lower'))).toBe(true);
    lock.release();
    expect(existsSync(folderOf(dir, 'lower'))).toBe(false);
  });

  it('lets a second rehearsal of the tier boot in a spare slot at once, and a third in the next', async () => {
    const dir = lockDir();
    const lines: string[] = [];
    const first = await acquireServersLock('lower', (l) => lines.push(l), { dir });
    const second = await acquireServersLock('lower', (l) => lines.push(l), { dir });
    const third = await acquireServersLock('lower', (l) => lines.push(l), { dir });
    expect([first, second, third].map((lock) => lock.slot.id)).toEqual([
      'lower',
      'spare1',
      'spare2',
    ]);
    expect(lines).toEqual([
      "Servers: another rehearsal holds the lower tier's own test hosts: booting in the spare slot spare1",
      "Servers: another rehearsal holds the lower tier's own test hosts: booting in the spare slot spare2",
    ]);
    for (const lock of [first, second, third]) lock.release();
  });

  it('skips a slot another running rehearsal holds', async () => {
    const dir = lockDir();
    holdAsAnother(dir, 'lower');
    holdAsAnother(dir, 'spare1');
    const lock = await acquireServersLock('lower', () => undefined, { dir });
    expect(lock.slot.id).toBe('spare2');
    lock.release();
    expect(existsSync(folderOf(dir, 'lower'))).toBe(true);
  });

  it('does not give another tier a spare while its own slot is free', async () => {
    const dir = lockDir();
    const lower = await acquireServersLock('lower', () => undefined, { dir });
    const upper = await acquireServersLock('upper', () => undefined, { dir });
    expect(upper.slot.id).toBe('upper');
    lower.release();
    upper.release();
  });

  it('waits while every slot of the tier is held, and takes the first one released', async () => {
    const dir = lockDir();
    const lines: string[] = [];
    const held: ServersLock[] = [];
    for (const _ of slotsOf('lower'))
      held.push(await acquireServersLock('lower', () => undefined, { dir, pollMs: 10 }));
    let waiting: ServersLock | undefined;
    const next = acquireServersLock('lower', (l) => lines.push(l), { dir, pollMs: 10 }).then(
      (lock) => (waiting = lock),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(waiting).toBeUndefined();
    expect(lines).toEqual([
      "Servers: waiting for another rehearsal to finish: every slot of test hosts for the lower tier's servers is held (lower, spare1, spare2, spare3, spare4)",
    ]);
    held[2]!.release();
    expect((await next).slot.id).toBe('spare2');
    for (const lock of [...held, waiting!]) lock.release();
  });

  it.each(['lower', 'spare1'])(
    'takes over the %s slot when its owner is gone (a killed rehearsal)',
    async (id) => {
      const dir = lockDir();
      if (id !== 'lower') holdAsAnother(dir, 'lower');
      mkdirSync(folderOf(dir, id));
      writeFileSync(path.join(folderOf(dir, id), 'pid'), String(await gonePid()));
      const lock = await acquireServersLock('lower', () => undefined, { dir, pollMs: 10 });
      expect(lock.slot.id).toBe(id);
      lock.release();
      expect(existsSync(folderOf(dir, id))).toBe(false);
    },
  );
});
