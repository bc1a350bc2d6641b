/**
 * Fulcrum's systemd units, verified by `systemd-analyze verify` (docker is not installed on this
 * machine: /usr/bin/docker and docker.service are empty stand-ins, see @pipelines/testkit
 * verifyUnits), then the settings that keep Fulcrum and its database running.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseUnit, verifyUnits } from '@pipelines/testkit';

const dir = path.join(__dirname, '..', 'systemd');
const files = readdirSync(dir).map((name) => path.join(dir, name));
const unit = (name: string) => parseUnit(readFileSync(path.join(dir, name), 'utf8'));

test('systemd-analyze verify accepts every unit without a warning', async () => {
  expect(files.length).toBe(5);
  expect(
    await verifyUnits(files, {
      absentPrograms: ['/usr/bin/docker'],
      absentUnits: ['docker.service'],
    }),
  ).toEqual({ status: 0, output: '' });
});

test.each(['fulcrum.service', 'fulcrum-postgres.service'])(
  '%s restarts always and starts on boot',
  (name) => {
    const service = unit(name);
    expect(service.get('Service')?.get('Restart')).toEqual(['always']);
    expect(service.get('Unit')?.get('Requires')).toEqual(['docker.service']);
    expect(service.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  },
);

test('fulcrum.service runs the deployed image by reference with the env file', () => {
  const service = unit('fulcrum.service').get('Service');
  expect(service?.get('EnvironmentFile')).toEqual(['/etc/pipelines/fulcrum-image.env']);
  const run = service?.get('ExecStart')?.[0] ?? '';
  expect(run).toMatch(/^\/usr\/bin\/docker run /);
  expect(run).toContain('--env-file /etc/pipelines/fulcrum-app.env');
  expect(run).toMatch(/\$\{FULCRUM_IMAGE\}$/);
  expect(readFileSync(path.join(__dirname, '..', 'image.env.example'), 'utf8')).toMatch(
    /^FULCRUM_IMAGE=\S+@sha256:[0-9a-f]{64}$/m,
  );
});

test('a failed health check restarts Fulcrum, checked by a timer', () => {
  expect(unit('fulcrum-health.service').get('Unit')?.get('OnFailure')).toEqual([
    'fulcrum-restart.service',
  ]);
  expect(unit('fulcrum-health.service').get('Service')?.get('ExecStart')?.[0]).toContain(
    'http://127.0.0.1:3000/users/sign_in',
  );
  expect(unit('fulcrum-restart.service').get('Service')?.get('ExecStart')).toEqual([
    '/usr/bin/systemctl restart fulcrum.service',
  ]);
  expect(unit('fulcrum-health.timer').get('Timer')?.get('Unit')).toEqual([
    'fulcrum-health.service',
  ]);
});

test("fulcrum-postgres publishes on loopback unless install.sh's file says otherwise (a database server of its own)", () => {
  const service = unit('fulcrum-postgres.service').get('Service');
  expect(service?.get('Environment')).toEqual(['PUBLISH_ADDRESS=127.0.0.1']);
  // The leading "-": an install that predates the file still starts.
  expect(service?.get('EnvironmentFile')).toEqual(['-/etc/pipelines/fulcrum-postgres-unit.env']);
  expect(service?.get('ExecStart')?.[0]).toContain('--publish ${PUBLISH_ADDRESS}:5432:5432');
});
