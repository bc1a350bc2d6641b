import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  aptInstall,
  dataVolumeCommands,
  serverBaseCommands,
  SERVER_AMI_PARAMETER,
  serviceUserData,
} from '../lib/constructs/user-data';

const base = {
  service: 'blog',
  role: 'app' as const,
  bundlePath: '/tmp/b.zip',
  packages: ['nginx'],
};

describe('serviceUserData', () => {
  it('writes settings that survive the shell unchanged, quotes and all', () => {
    const hostile = `it's $(touch /tmp/pwned) "quoted" \`x\` ; rm -rf /`;
    const lines = serviceUserData({
      ...base,
      environment: { DOMAIN: 'pipelines.example.com', NOTE: hostile },
    });
    const dir = mkdtempSync(join(tmpdir(), 'infra-userdata-'));
    const envFile = join(dir, 'blog.env');
    // Run only the lines that write the settings file, pointed at a temp file, in a real shell.
    const script = lines
      .filter((l) => l.startsWith('echo '))
      .map((l) => l.replace('/etc/pipelines/blog.env', envFile))
      .join('\n');
    const result = spawnSync('bash', ['-euc', script], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(readFileSync(envFile, 'utf8')).toBe(
      `PIPELINES_SERVICE=blog\nPIPELINES_ROLE=app\nDOMAIN=pipelines.example.com\nNOTE=${hostile}\n`,
    );
  });

  it('installs the base packages, unpacks the bundle, runs install.sh and starts the systemd units', () => {
    const script = serviceUserData({ ...base, environment: {} }).join('\n');
    expect(script).toContain(aptInstall(['nginx']));
    expect(script).not.toContain('dnf');
    expect(script).toContain('unzip -q -o /tmp/b.zip -d /opt/pipelines/blog');
    expect(script).toContain('bash ./install.sh');
    expect(script).toContain('systemctl enable --now');
    // Timers are installed and started too.
    expect(script).toContain('/opt/pipelines/blog/systemd/*.timer');
    // The whole script is valid shell.
    expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0);
  });

  it('installs services and timers, and starts only the units that say when to start', () => {
    const root = mkdtempSync(join(tmpdir(), 'infra-units-'));
    const units = join(root, 'opt/pipelines/blog/systemd');
    const installed = join(root, 'etc/systemd/system');
    spawnSync('mkdir', ['-p', units, installed]);
    const write = (name: string, text: string) => writeFileSync(join(units, name), text);
    write('app.service', '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n');
    write('check.service', '[Service]\nType=oneshot\nExecStart=/bin/true\n');
    write('check.timer', '[Timer]\nOnBootSec=5min\n[Install]\nWantedBy=timers.target\n');
    // Only the unit lines, pointed at the temp root, with systemctl recording what it was asked.
    const lines = serviceUserData({ ...base, environment: {} })
      .filter((l) => l.startsWith('for unit') || l.startsWith('systemctl'))
      .map((l) => l.replaceAll('/opt/', `${root}/opt/`).replaceAll('/etc/', `${root}/etc/`));
    const calls = join(root, 'calls');
    const script = `systemctl() { echo "$*" >> ${calls}; }\n${lines.join('\n')}`;
    expect(spawnSync('bash', ['-euo', 'pipefail', '-c', script]).status).toBe(0);
    expect(readdirSync(installed).sort()).toEqual(['app.service', 'check.service', 'check.timer']);
    expect(readFileSync(calls, 'utf8')).toBe(
      'daemon-reload\nenable --now check.timer\nenable --now app.service\n',
    );
  });

  it.each([
    ['a service name with shell in it', { service: 'blog; rm -rf /' }, /Bad service name/],
    [
      'a setting name that is not a variable name',
      { environment: { 'A-B': 'x' } },
      /Bad environment variable name "A-B"/,
    ],
  ])('refuses %s', (_name, override, message) => {
    expect(() => serviceUserData({ ...base, environment: {}, ...override })).toThrow(message);
  });
});

describe('dataVolumeCommands', () => {
  it('names the NVMe device by the volume id without its dash, as udev does, in a real shell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infra-volume-'));
    const [lookup = ''] = dataVolumeCommands('vol-0abc', '/dev/sdf', '/var/lib/x');
    // Only the first line, the lookup, and with the NVMe path moved into the temp folder.
    const found = spawnSync(
      'bash',
      ['-c', `${lookup.replace('/dev/disk/by-id', dir)}; echo "$nvme"`],
      { encoding: 'utf8' },
    );
    expect(found.stdout).toBe(`${dir}/nvme-Amazon_Elastic_Block_Store_vol0abc\n`);
  });

  it('formats only a volume without a file system, and mounts it at every boot', () => {
    const lines = dataVolumeCommands('vol-0abc', '/dev/sdf', '/var/lib/fulcrum');
    expect(lines).toContain(
      'blkid -o value -s TYPE "$dev" >/dev/null || mkfs.ext4 -q -L pipelines-data "$dev"',
    );
    expect(lines.join('\n')).toContain('for d in "$nvme" /dev/xvdf /dev/sdf;');
    expect(lines.at(-1)).toBe('mountpoint -q /var/lib/fulcrum || mount /var/lib/fulcrum');
  });

  it.each(['relative/path', '/var/lib/$(x)', '/var/lib/a b'])(
    'refuses the data path %j',
    (path) => {
      expect(() => dataVolumeCommands('vol-1', '/dev/sdf', path)).toThrow(/Bad data path/);
    },
  );
});

describe('aptInstall', () => {
  // This machine is Debian too: the line runs for real, with apt-get replaced by a command that
  // records its call instead of changing the machine.
  const runWithFakeApt = (packages: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'infra-apt-'));
    const calls = join(dir, 'calls');
    const script = `apt-get() { echo "apt-get $*" >> ${calls}; }\n${aptInstall(packages)}`;
    const result = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    return spawnSync('cat', [calls], { encoding: 'utf8' }).stdout;
  };

  it('does not touch apt when every package is installed already (a prepared image, a test host)', () => {
    expect(runWithFakeApt(['bash', 'coreutils'])).toBe('');
  });

  it('fetches the package lists, then installs only what is missing', () => {
    expect(runWithFakeApt(['bash', 'pipelines-no-such-package'])).toBe(
      'apt-get update -q\napt-get install -y -q --no-install-recommends pipelines-no-such-package\n',
    );
  });

  it('refuses a package name with shell in it', () => {
    expect(() => aptInstall(['nginx; rm -rf /'])).toThrow(/Bad Debian package name/);
  });
});

describe('the servers', () => {
  it("run Debian 12, from Debian's public SSM parameter", () => {
    expect(SERVER_AMI_PARAMETER).toBe('/aws/service/debian/release/12/latest/amd64');
  });

  it('install the base packages with apt and the SSM agent when the image lacks it', () => {
    const script = serverBaseCommands().join('\n');
    expect(script).toContain(aptInstall(['awscli', 'unzip', 'curl', 'gettext-base', 'openssl']));
    expect(script).toMatch(/amazon-ssm-agent\.deb/);
    expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0);
  });
});
