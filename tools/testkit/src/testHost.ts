/**
 * Test hosts: a Debian 12 (bookworm) machine booted with real systemd on this machine, reachable
 * over HTTP from it, so a server's install script and units run as they do on the real server.
 *
 * How (no Docker here): `debootstrap` builds a root filesystem once per package list (cached),
 * each host boots a throw-away overlay of it with `systemd-nspawn --boot`, inside a network
 * namespace joined to this machine by a veth pair. Every host owns a /30 in 10.254.0.0/16: the
 * machine side is .1 of it, the host .2. Hosts reach one another through the machine (per-link
 * forwarding on their own veth links only, and a route for the pool only): traffic never leaves
 * for any other address.
 *
 * Needs root, `debootstrap` and `systemd-container` (scripts/bootstrap.sh installs them).
 * `stop()` removes the processes (by pid), the mount, the namespace and the links, and runs at
 * process exit for a host a failed test left running.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { until } from './until';

export const TEST_HOST_RELEASE = 'bookworm';
/** What every host has: systemd as init, and what its tests use to look inside. */
const BASE_PACKAGES = ['systemd', 'systemd-sysv', 'dbus', 'curl', 'ca-certificates', 'iproute2'];
const CACHE_DIR = process.env.PIPELINES_HOSTS_CACHE ?? '/var/cache/pipelines-hosts';
const RUN_DIR = '/var/tmp/pipelines-hosts';
const POOL = '10.254.0.0/16';
const NAME = /^[a-z][a-z0-9]{0,9}$/;
const ADDRESS = /^10\.254\.(\d{1,3})\.(\d{1,3})$/;

export interface TestHostOptions {
  /** Also the host name inside: lower-case letters and digits, at most 10 (link names are short). */
  readonly name: string;
  /** The host's address: 10.254.<n>.<4k+2>; the machine side of its link is the address before. */
  readonly address: string;
  /** Debian packages installed in the root filesystem (beyond systemd, curl, iproute2). */
  readonly packages?: readonly string[];
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TestHost {
  readonly name: string;
  readonly address: string;
  /** The machine's address on this host's link (what the host sees the machine as). */
  readonly machineAddress: string;
  /** The pid of the host's init (its systemd) on the machine. */
  readonly pid: number;
  /** The host's root filesystem as seen from the machine: write files into the host here. */
  readonly root: string;
  /** Runs `bash -c command` inside the host as root; never throws on a non-zero exit. */
  exec(command: string): Promise<ExecResult>;
  /** Like exec, but fails with the command's output unless it exits 0. */
  run(command: string): Promise<string>;
  /** Waits until the unit is active; fails at once with its journal when it failed. */
  waitForUnit(unit: string, timeoutMs?: number): Promise<void>;
  /** Stops everything this host started. Safe to call twice. */
  stop(): Promise<void>;
}

/** The two ends of a host's link, or the problem with the address. */
export function linkAddresses(address: string): { host: string; machine: string } {
  const match = ADDRESS.exec(address);
  const [third, fourth] = match ? [Number(match[1]), Number(match[2])] : [-1, -1];
  if (!match || third > 255 || fourth > 255 || fourth % 4 !== 2) {
    throw new Error(
      `Could not use test host address "${address}": it must be 10.254.<0-255>.<4k+2> (the host side of a /30), e.g. 10.254.1.2.`,
    );
  }
  return { host: address, machine: `10.254.${third}.${fourth - 1}` };
}

/** The cache key of a root filesystem: the release and the sorted package list. */
export function rootFsKey(packages: readonly string[]): string {
  const all = [...new Set([...BASE_PACKAGES, ...packages])].sort();
  for (const name of all) {
    if (!/^[a-z0-9][a-z0-9.+-]+$/.test(name)) {
      throw new Error(`Could not build a test host: "${name}" is not a Debian package name.`);
    }
  }
  return createHash('sha256')
    .update(`${TEST_HOST_RELEASE}\n${all.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
}

function sh(command: string, args: readonly string[], what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20);
    throw new Error(
      `Could not ${what}: ${command} ${args.join(' ')} failed:\n${output.join('\n')}`,
    );
  }
  return result.stdout;
}

/** Runs and ignores failure: cleanup of something that may already be gone. */
function quietly(command: string, args: readonly string[]): void {
  spawnSync(command, args, { stdio: 'ignore' });
}

function requireTools(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('Could not start a test host: it needs root (namespaces, mounts, nspawn).');
  }
  for (const tool of ['/usr/sbin/debootstrap', '/usr/bin/systemd-nspawn', '/usr/bin/nsenter']) {
    if (!existsSync(tool)) {
      throw new Error(
        `Could not start a test host: ${tool} is missing. Run: bash scripts/bootstrap.sh apt`,
      );
    }
  }
}

/**
 * The root filesystem for a package list, built on first use (about a minute, from the apt
 * mirror the machine is configured with) and kept in the cache. One build at a time (a lock
 * folder holding the builder's pid), into a temporary folder renamed into place when complete.
 */
export function ensureRootFs(packages: readonly string[] = []): string {
  requireTools();
  const dir = path.join(CACHE_DIR, rootFsKey(packages));
  if (existsSync(path.join(dir, 'etc', 'os-release'))) return dir;
  mkdirSync(CACHE_DIR, { recursive: true });
  // One build per root filesystem, also when several test files ask at once.
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // being written
      }
      if (Number.isInteger(owner) && !pidAlive(owner))
        rmSync(lock, { recursive: true, force: true });
      else sleepSync(1000);
    }
  }
  try {
    if (!existsSync(path.join(dir, 'etc', 'os-release'))) buildRootFs(dir, packages);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return dir;
}

function buildRootFs(dir: string, packages: readonly string[]): void {
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  const mirror = aptMirror();
  try {
    // debootstrap resolves no virtual packages, so it lays the base only; apt adds the rest.
    sh(
      '/usr/sbin/debootstrap',
      [
        '--variant=minbase',
        `--include=${BASE_PACKAGES.join(',')}`,
        TEST_HOST_RELEASE,
        building,
        mirror,
      ],
      `build the ${TEST_HOST_RELEASE} root filesystem for a test host`,
    );
    const extra = [...new Set(packages)].sort();
    if (extra.length > 0)
      inChroot(
        building,
        `apt-get update -q && apt-get install -y -q --no-install-recommends ${extra.join(' ')}`,
      );
    // A host has no console to log in on; the downloaded packages are not needed any more.
    inChroot(building, 'systemctl mask console-getty.service getty@tty1.service && apt-get clean');
    renameSync(building, dir);
  } finally {
    // A build that failed half-way may have left /proc or /sys mounted inside: never delete there.
    unmountUnder(building);
    rmSync(building, { recursive: true, force: true });
  }
}

function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((target) => target === dir || target.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const target of mounts) quietly('/usr/bin/umount', ['--lazy', target]);
}

/** Runs a shell command in the root filesystem being built (the machine's network, no services started). */
function inChroot(root: string, command: string): void {
  const policy = path.join(root, 'usr', 'sbin', 'policy-rc.d');
  writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  sh(
    '/usr/bin/mount',
    ['-t', 'proc', 'proc', path.join(root, 'proc')],
    'mount /proc for the build',
  );
  try {
    sh(
      '/usr/sbin/chroot',
      [root, '/usr/bin/env', 'DEBIAN_FRONTEND=noninteractive', '/bin/bash', '-c', command],
      `prepare the test host's root filesystem (${command})`,
    );
  } finally {
    quietly('/usr/bin/umount', [path.join(root, 'proc')]);
    rmSync(policy, { force: true });
  }
}

/** The Debian mirror this machine's apt uses (its sources), so hosts build from the same one. */
function aptMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const found =
      /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text);
    if (found?.[1]) return found[1];
  }
  return 'http://deb.debian.org/debian';
}

interface Resources {
  namespace: string;
  machineLink: string;
  runDir: string;
  merged: string;
  nspawnPid?: number;
  stopped: boolean;
}

const running = new Set<Resources>();
process.on('exit', () => {
  for (const resources of running) release(resources);
});

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Everything a host holds, undone in reverse order; each step tolerates a part already gone. */
function release(resources: Resources): void {
  if (resources.stopped) return;
  resources.stopped = true;
  running.delete(resources);
  const pid = resources.nspawnPid;
  if (pid !== undefined && pidAlive(pid)) {
    // SIGTERM makes nspawn shut the booted system down in order; SIGKILL if that takes too long.
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
    for (let waited = 0; waited < 15_000 && pidAlive(pid); waited += 100) sleepSync(100);
    const leader = containerLeader(pid);
    for (const victim of [leader, pid]) {
      if (victim !== undefined && pidAlive(victim)) {
        try {
          process.kill(victim, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    for (let waited = 0; waited < 5_000 && pidAlive(pid); waited += 100) sleepSync(100);
  }
  unmountUnder(resources.merged);
  rmSync(resources.runDir, { recursive: true, force: true });
  quietly('/usr/sbin/ip', ['netns', 'delete', resources.namespace]);
  quietly('/usr/sbin/ip', ['link', 'delete', resources.machineLink]);
}

/** SIGTERM to nspawn (an orderly shutdown of the booted system), awaited for up to 15 s. */
async function shutDown(resources: Resources): Promise<void> {
  const pid = resources.nspawnPid;
  if (resources.stopped || pid === undefined || !pidAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // gone meanwhile
  }
  for (let waited = 0; waited < 15_000 && pidAlive(pid); waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The container's init: the child of nspawn that runs in the host's own pid namespace. */
function containerLeader(nspawnPid: number): number | undefined {
  const children = (file: number) => {
    try {
      return readFileSync(`/proc/${file}/task/${file}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  const own = readNamespace(nspawnPid);
  return children(nspawnPid).find((child) => readNamespace(child) !== own);
}

function readNamespace(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** Boots a test host; on any failure on the way, undoes what it had set up and throws. */
export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  if (!NAME.test(options.name)) {
    throw new Error(
      `Could not start test host "${options.name}": its name must be 1-10 lower-case letters or digits, starting with a letter.`,
    );
  }
  const link = linkAddresses(options.address);
  const lower = ensureRootFs(options.packages ?? []);
  mkdirSync(RUN_DIR, { recursive: true });
  const runDir = mkdtempSync(path.join(RUN_DIR, `${options.name}-`));
  const resources: Resources = {
    namespace: `pipelines-${options.name}`,
    machineLink: `pl-${options.name}-m`,
    runDir,
    merged: path.join(runDir, 'root'),
    stopped: false,
  };
  running.add(resources);
  try {
    if (existsSync(`/run/netns/${resources.namespace}`)) {
      throw new Error(
        `Could not start test host "${options.name}": a network namespace ${resources.namespace} exists already (another test host of that name is running, or one was left behind: ip netns delete ${resources.namespace}).`,
      );
    }
    for (const dir of ['upper', 'work', 'root']) mkdirSync(path.join(runDir, dir));
    sh(
      '/usr/bin/mount',
      [
        '-t',
        'overlay',
        'overlay',
        '-o',
        `lowerdir=${lower},upperdir=${runDir}/upper,workdir=${runDir}/work`,
        resources.merged,
      ],
      "mount the host's copy of the root filesystem",
    );
    const ip = (...args: string[]) =>
      sh('/usr/sbin/ip', args, `set up the network of ${options.name}`);
    const hostLink = `pl-${options.name}-h`;
    ip('netns', 'add', resources.namespace);
    ip('link', 'add', resources.machineLink, 'type', 'veth', 'peer', 'name', hostLink);
    ip('link', 'set', hostLink, 'netns', resources.namespace);
    ip('address', 'add', `${link.machine}/30`, 'dev', resources.machineLink);
    ip('link', 'set', resources.machineLink, 'up');
    const inside = (...args: string[]) => ip('-n', resources.namespace, ...args);
    inside('link', 'set', 'lo', 'up');
    inside('address', 'add', `${link.host}/30`, 'dev', hostLink);
    inside('link', 'set', hostLink, 'up');
    // Other test hosts only: the pool's route, never a default route.
    inside('route', 'add', POOL, 'via', link.machine);
    sh(
      '/usr/sbin/sysctl',
      ['-q', '-w', `net.ipv4.conf.${resources.machineLink}.forwarding=1`],
      'let test hosts reach one another',
    );

    const log = openSync(path.join(runDir, 'nspawn.log'), 'a');
    const child = spawn(
      '/usr/bin/systemd-nspawn',
      [
        '--quiet',
        '--register=no',
        '--keep-unit',
        '--boot',
        '--console=passive',
        `--directory=${resources.merged}`,
        `--machine=${options.name}`,
        `--network-namespace-path=/run/netns/${resources.namespace}`,
      ],
      { stdio: ['ignore', log, log], detached: true },
    );
    child.unref();
    resources.nspawnPid = child.pid;
    const nspawnPid = child.pid ?? -1;
    const leader = await until(`boot test host ${options.name}`, 30_000, () => {
      if (!pidAlive(nspawnPid)) {
        throw new Error(
          `Could not boot test host ${options.name}: systemd-nspawn exited:\n${readFileSync(path.join(runDir, 'nspawn.log'), 'utf8')}`,
        );
      }
      return containerLeader(nspawnPid);
    });

    const exec = (command: string) =>
      new Promise<ExecResult>((resolve) => {
        const result = spawn(
          '/usr/bin/nsenter',
          [
            `--target=${leader}`,
            '--mount',
            '--uts',
            '--ipc',
            '--net',
            '--pid',
            '--root',
            '--wd',
            '/usr/bin/env',
            '-i',
            'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
            'HOME=/root',
            'LANG=C.UTF-8',
            '/bin/bash',
            '-c',
            command,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        result.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        result.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        result.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    const run = async (command: string) => {
      const result = await exec(command);
      if (result.code !== 0) {
        throw new Error(
          `Could not run "${command}" on test host ${options.name} (exit ${result.code}):\n${result.stdout}${result.stderr}`,
        );
      }
      return result.stdout;
    };
    // Booted: systemd answers and has finished starting (degraded counts: a unit may fail).
    await until(`boot test host ${options.name}`, 60_000, async () => {
      const state = (await exec('systemctl is-system-running')).stdout.trim();
      return ['running', 'degraded'].includes(state) ? state : undefined;
    });

    return {
      name: options.name,
      address: link.host,
      machineAddress: link.machine,
      pid: leader,
      root: resources.merged,
      exec,
      run,
      async waitForUnit(unit: string, timeoutMs = 60_000) {
        await until(`see ${unit} active on ${options.name}`, timeoutMs, async () => {
          const state = (await exec(`systemctl is-active ${shellWord(unit)}`)).stdout.trim();
          if (state === 'failed') {
            const journal = await exec(`journalctl --no-pager -n 40 -u ${shellWord(unit)}`);
            throw new Error(
              `Could not start ${unit} on ${options.name}: it failed:\n${journal.stdout}`,
            );
          }
          return state === 'active' ? true : undefined;
        });
      },
      async stop() {
        // Asked to shut down and waited for without blocking, so that several hosts stop at once.
        await shutDown(resources);
        release(resources);
      },
    };
  } catch (error) {
    release(resources);
    throw error;
  }
}

function shellWord(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}
