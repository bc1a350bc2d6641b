import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { linkAddresses, rootFsKey, startTestHost, type TestHost } from './testHost';

// Booting needs root, debootstrap and systemd-nspawn; the first run also builds the root
// filesystem (about a minute). The servers' list of packages, so this and the infra servers test
// share one cached root filesystem.
const SERVER_PACKAGES = ['nginx', 'unzip', 'awscli', 'gettext-base', 'openssl'];
jest.setTimeout(600_000);

describe('linkAddresses', () => {
  it('gives the machine the address before the host in its /30', () => {
    expect(linkAddresses('10.254.7.2')).toEqual({ host: '10.254.7.2', machine: '10.254.7.1' });
    expect(linkAddresses('10.254.7.6')).toEqual({ host: '10.254.7.6', machine: '10.254.7.5' });
  });

  it.each(['192.168.1.2', '10.254.7.1', '10.254.300.2', '10.254.7.3', 'example.com'])(
    'refuses %s, which is not the host side of a /30 in the test pool',
    (address) => {
      expect(() => linkAddresses(address)).toThrow(/must be 10\.254\.<0-255>\.<4k\+2>/);
    },
  );
});

describe('rootFsKey', () => {
  it('depends on the package set, not its order or repeats', () => {
    expect(rootFsKey(['nginx', 'unzip'])).toBe(rootFsKey(['unzip', 'nginx', 'nginx']));
    expect(rootFsKey(['nginx'])).not.toBe(rootFsKey(['unzip']));
  });

  it('refuses a package name that is not one', () => {
    expect(() => rootFsKey(['nginx; rm -rf /'])).toThrow(/is not a Debian package name/);
  });
});

describe('startTestHost', () => {
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.stop();
  });

  it('boots Debian with systemd, runs commands inside, serves HTTP to the machine and reports a failed unit', async () => {
    host = await startTestHost({ name: 'kit', address: '10.254.9.2', packages: SERVER_PACKAGES });
    expect(await host.run('. /etc/os-release && echo $VERSION_CODENAME')).toBe('bookworm\n');
    expect(await host.run('cat /proc/1/comm')).toBe('systemd\n');
    expect((await host.exec('exit 3')).code).toBe(3);

    writeFileSync(path.join(host.root, 'var/www/html/index.html'), 'hello from the test host\n');
    await host.waitForUnit('nginx.service');
    const page = await fetch(`http://${host.address}/`);
    expect(await page.text()).toBe('hello from the test host\n');
    // And back: the host reaches the machine's side of its link.
    expect(await host.run(`ip -4 route get ${host.machineAddress} | head -1`)).toContain(
      'pl-kit-h',
    );

    // A oneshot, not waited for: it goes from activating straight to failed. As a simple service
    // (systemd-run's default) it would be active from its fork until /bin/false exited, and a
    // poll landing in that moment sees it active (one full test run did).
    await host.run(
      'systemd-run --no-block --unit=broken.service --property=Type=oneshot /bin/false',
    );
    await expect(host.waitForUnit('broken.service', 20_000)).rejects.toThrow(
      /Could not start broken.service on kit: it failed/,
    );
  });

  it('leaves no process, mount, namespace or link behind after stop', async () => {
    host = await startTestHost({ name: 'kit', address: '10.254.9.2', packages: SERVER_PACKAGES });
    const root = host.root;
    const leader = host.pid;
    await host.stop();
    await host.stop(); // twice is fine
    host = undefined;
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(root);
    expect(existsSync(root)).toBe(false);
    expect(existsSync(`/proc/${leader}`)).toBe(false);
    expect(execFileSync('/usr/sbin/ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(
      'pipelines-kit',
    );
    expect(execFileSync('/usr/sbin/ip', ['link', 'show'], { encoding: 'utf8' })).not.toContain(
      'pl-kit-m',
    );
  });
});
