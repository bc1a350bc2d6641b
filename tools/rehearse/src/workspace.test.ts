import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { refFolderName, reuseCacheFolder } from './workspace';

describe("act's cache server folder: one per ref, kept between runs", () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-base-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('is one folder name per ref, and distinct refs never share one', () => {
    const refs = [
      'refs/heads/integration',
      'refs/heads/feature/x',
      'refs/heads/feature%2fx',
      'refs/heads/feature_x',
      'refs/tags/production',
      'refs/heads/production',
    ];
    const names = refs.map(refFolderName);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9._%-]+$/);
    expect(new Set(names).size).toBe(refs.length);
  });

  it('is created under .rehearsal/act-cache/ and is the same folder on the next run', () => {
    const folder = reuseCacheFolder(base, 'refs/heads/integration');
    expect(folder).toBe(path.join(base, 'act-cache', 'refs%2fheads%2fintegration'));
    expect(existsSync(folder)).toBe(true);
    expect(reuseCacheFolder(base, 'refs/heads/integration')).toBe(folder);
    expect(reuseCacheFolder(base, 'refs/heads/master')).not.toBe(folder);
  });
});
