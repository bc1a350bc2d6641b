import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireServersLock } from './serversLock';

const lockDir = () => mkdtempSync(path.join(os.tmpdir(), 'servers-lock-'));

describe("the lock on a tier's servers", () => {
  it('lets a second rehearsal of the tier wait until the first releases', async () => {
    const dir = lockDir();
    const lines: string[] = [];
    const first = await acquireServersLock('lower', (l) => lines.push(l), { dir, pollMs: 10 });
    let secondHas = false;
    const second = acquireServersLock('lower', (l) => lines.push(l), { dir, pollMs: 10 }).then(
      (lock) => {
        secondHas = true;
        return lock;
      },
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(secondHas).toBe(false);
    expect(lines).toEqual([
      expect.stringContaining("waiting for another rehearsal of the lower tier's servers"),
    ]);
    first.release();
    (await second).release();
    expect(secondHas).toBe(true);
  });

  it('does not make another tier wait', async () => {
    const dir = lockDir();
    const lower = await acquireServersLock('lower', () => undefined, { dir });
    const upper = await acquireServersLock('upper', () => undefined, { dir });
    lower.release();
    upper.release();
  });

  it('takes over a lock whose owner is gone (a killed rehearsal)', async () => {
    const dir = lockDir();
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    const folder = path.join(dir, 'pipelines-rehearsal-servers-lower');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'pid'), String(gone.pid));
    const lock = await acquireServersLock('lower', () => undefined, { dir, pollMs: 10 });
    lock.release();
    expect(existsSync(folder)).toBe(false);
  });
});
