import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseUnit, verifyUnits } from './systemd';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'units-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function unit(name: string, service: string): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    `[Unit]\nDescription=t\n\n[Service]\n${service}\n\n[Install]\nWantedBy=multi-user.target\n`,
  );
  return file;
}

test('a clean unit verifies with no output', async () => {
  const result = await verifyUnits([
    unit('ok.service', 'ExecStart=/usr/bin/curl --version\nRestart=always'),
  ]);
  expect(result).toEqual({ status: 0, output: '' });
});

test('an unknown key is reported', async () => {
  const result = await verifyUnits([
    unit('typo.service', 'ExecStart=/usr/bin/curl --version\nRestrat=always'),
  ]);
  expect(result.output).toMatch(/Unknown key 'Restrat'/);
});

test('a program that is missing fails unless declared absent here', async () => {
  const file = unit('d.service', 'ExecStart=/usr/bin/not-a-real-program-xyz up');
  expect((await verifyUnits([file])).status).not.toBe(0);
  expect(
    await verifyUnits([file], { absentPrograms: ['/usr/bin/not-a-real-program-xyz'] }),
  ).toEqual({ status: 0, output: '' });
});

test('parseUnit keeps sections and repeated keys', () => {
  const parsed = parseUnit('[Unit]\nAfter=a\nAfter=b\n# c\n[Service]\nExecStart=/bin/x -y=1\n');
  expect(parsed.get('Unit')?.get('After')).toEqual(['a', 'b']);
  expect(parsed.get('Service')?.get('ExecStart')).toEqual(['/bin/x -y=1']);
});

test('parseUnit joins continued lines', () => {
  const parsed = parseUnit('[Service]\nExecStart=/bin/x \\\n  --flag \\\n  arg\n');
  expect(parsed.get('Service')?.get('ExecStart')).toEqual(['/bin/x    --flag    arg']);
});
