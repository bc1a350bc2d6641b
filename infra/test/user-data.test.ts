import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceUserData } from '../lib/constructs/user-data';

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
    expect(script).toContain('dnf install -y nginx');
    expect(script).toContain('unzip -q -o /tmp/b.zip -d /opt/pipelines/blog');
    expect(script).toContain('bash ./install.sh');
    expect(script).toContain('systemctl enable --now');
    // The whole script is valid shell.
    expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0);
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
