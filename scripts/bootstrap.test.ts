/**
 * The bootstrap's behaviour for a user who is not root, and on a machine it does not support. Each
 * case runs the real script as the unprivileged user `nobody`, on a copy of the script in a fresh
 * folder, with a PATH holding only the commands the case allows, and checks what it says and that
 * it changed nothing.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const script = path.join(__dirname, 'bootstrap.sh');
const NOBODY = 65534;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-'));
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A checkout holding only the bootstrap, and a bin folder with the commands a case allows. */
function checkout(commands: readonly string[], fakes: Record<string, string> = {}) {
  const root = path.join(dir, 'repo');
  mkdirSync(path.join(root, 'scripts'), { recursive: true });
  copyFileSync(script, path.join(root, 'scripts', 'bootstrap.sh'));
  writeFileSync(path.join(root, 'pnpm-lock.yaml'), '');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const command of commands) {
    const real = spawnSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' });
    if (real.status !== 0) throw new Error(`test setup: ${command} is not installed`);
    symlinkSync(real.stdout.trim(), path.join(bin, command));
  }
  for (const [name, body] of Object.entries(fakes)) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return { root, bin };
}

/** The basic commands the script itself uses. */
const BASICS = [
  'bash',
  'sh',
  'dirname',
  'uname',
  'grep',
  'cat',
  'pgrep',
  'env',
  'sha256sum',
  'cut',
];

function runAsNobody(root: string, bin: string, args: string[], PATH = bin) {
  return spawnSync(
    'setpriv',
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      'env',
      '-i',
      `PATH=${PATH}`,
      'HOME=/nonexistent',
      'bash',
      path.join(root, 'scripts', 'bootstrap.sh'),
      ...args,
    ],
    { encoding: 'utf8' },
  );
}

describe('bootstrap, as a user who is not root', () => {
  it('check: names each missing prerequisite with the command that installs it, and writes nothing', () => {
    const { root, bin } = checkout([...BASICS, 'dpkg-query']);
    const run = runAsNobody(root, bin, ['check']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm (to install pnpm and Node 24 per user): apt-get install npm');
    expect(run.stderr).toContain(
      'python3 (for moto and zizmor): apt-get install python3 python3-venv',
    );
    expect(run.stderr).toContain(
      'go 1.22 or later (to build act and actionlint): apt-get install golang-go',
    );
    expect(readdirSync(root).sort()).toEqual(['pnpm-lock.yaml', 'scripts']);
  });

  it('install: stops before changing anything when Debian packages are missing and there is no sudo, with the command to run as root', () => {
    const { root, bin } = checkout(BASICS, {
      // dpkg says skopeo is not installed; everything else is.
      'dpkg-query': 'case "$*" in *skopeo*) exit 1;; *) echo "install ok installed";; esac',
    });
    const run = runAsNobody(root, bin, ['apt']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('needs root, and sudo is not available');
    expect(run.stderr).toContain('apt-get install --no-install-recommends skopeo');
    expect(readdirSync(root).sort()).toEqual(['pnpm-lock.yaml', 'scripts']);
  });

  it("this machine: every prerequisite is present for an unprivileged user on the machine's PATH", () => {
    // A copy of the script where that user can read it: a checkout may sit in a folder only its
    // owner can enter (a clone into mktemp -d does).
    const { root, bin } = checkout([]);
    const run = runAsNobody(root, bin, ['check'], process.env.PATH ?? '/usr/bin:/bin');
    expect(run.stderr).toContain('all prerequisites present');
    expect(run.status).toBe(0);
  });
});

describe('bootstrap, on a platform it does not support', () => {
  it('refuses with one message that lists what a user there must provide', () => {
    const { root, bin } = checkout(
      BASICS.filter((c) => c !== 'uname'),
      { uname: 'case "$1" in -m) echo riscv64;; *) echo Linux;; esac' },
    );
    const run = runAsNobody(root, bin, ['check']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/unsupported platform Linux\/riscv64/);
    expect(run.stderr).toContain('node24 (Node.js 24.x, as the command name node24), pnpm 10.34.8');
    expect(run.stderr).toContain('act v0.2.89, actionlint v1.7.12');
    expect(readdirSync(root).sort()).toEqual(['pnpm-lock.yaml', 'scripts']);
  });
});
