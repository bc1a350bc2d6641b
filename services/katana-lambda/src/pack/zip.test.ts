import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { archiveOrder, writeDeterministicZip, type ZipEntry } from './zip';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'katana-zip-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const entries: ZipEntry[] = [
  { name: 'lib/b.js', content: Buffer.from('module.exports = 2;\n') },
  { name: 'index.js', content: Buffer.from('exports.handler = async () => ({});\n'.repeat(50)) },
];

test('the same entries in any order give byte-identical archives', async () => {
  await writeDeterministicZip(entries, path.join(dir, 'one.zip'));
  await writeDeterministicZip([...entries].reverse(), path.join(dir, 'two.zip'));
  expect(sha256(path.join(dir, 'one.zip'))).toBe(sha256(path.join(dir, 'two.zip')));
});

test('the archive does not depend on the time zone of the machine', async () => {
  // Run the writer in child processes with different TZ: the DOS timestamp must not move.
  const script = `require(${JSON.stringify(require.resolve('tsx/cjs'))});
    require(${JSON.stringify(path.join(__dirname, 'zip.ts'))})
      .writeDeterministicZip([{ name: 'index.js', content: Buffer.from('x') }], process.argv[1]);`;
  for (const [tz, name] of [
    ['UTC', 'utc.zip'],
    ['Pacific/Kiritimati', 'kiri.zip'],
  ] as const) {
    execFileSync(process.execPath, ['-e', script, path.join(dir, name)], {
      env: { ...process.env, TZ: tz },
    });
  }
  expect(sha256(path.join(dir, 'utc.zip'))).toBe(sha256(path.join(dir, 'kiri.zip')));
});

test('entries are sorted, dated 1980-01-01 and stored with mode 0644 (read back by zipinfo)', async () => {
  const file = path.join(dir, 'out.zip');
  await writeDeterministicZip(entries, file);
  const listing = execFileSync('zipinfo', ['-T', file], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => /^-/.test(line));
  expect(listing).toHaveLength(2);
  expect(listing[0]).toMatch(/^-rw-r--r-- .* 19800101\.000000 index\.js$/);
  expect(listing[1]).toMatch(/^-rw-r--r-- .* 19800101\.000000 lib\/b\.js$/);
  expect(execFileSync('unzip', ['-p', file, 'lib/b.js'], { encoding: 'utf8' })).toBe(
    'module.exports = 2;\n',
  );
});

test.each(['/etc/passwd', '../up.js', 'a\\b.js'])('refuses the unsafe entry name %s', (name) => {
  expect(() => archiveOrder([{ name, content: Buffer.from('') }])).toThrow(/Refusing zip entry/);
});

test('refuses a name listed twice', () => {
  const twice = [entries[0]!, entries[0]!];
  expect(() => archiveOrder(twice)).toThrow(/listed twice/);
});
