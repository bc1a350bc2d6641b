/**
 * The systemd units, verified by `systemd-analyze verify` (see @pipelines/testkit verifyUnits:
 * docker is not installed on this machine, so it stands in as an empty program), then the
 * settings that keep Rocket.Chat running.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseUnit, verifyUnits } from '@pipelines/testkit';

const dir = path.join(__dirname, '..', 'systemd');
const files = readdirSync(dir).map((name) => path.join(dir, name));
const unit = (name: string) => parseUnit(readFileSync(path.join(dir, name), 'utf8'));

test('systemd-analyze verify accepts every unit without a warning', async () => {
  expect(files.length).toBe(4);
  expect(
    await verifyUnits(files, {
      absentPrograms: ['/usr/bin/docker', '/opt/pipelines/rocketchat/compose.sh'],
      absentUnits: ['docker.service'],
    }),
  ).toEqual({ status: 0, output: '' });
});

test('rocketchat.service runs Compose up, restarts always and starts on boot', () => {
  const service = unit('rocketchat.service');
  expect(service.get('Service')?.get('ExecStart')?.[0]).toMatch(
    /^\/opt\/pipelines\/rocketchat\/compose\.sh .* up\b/,
  );
  expect(service.get('Service')?.get('Restart')).toEqual(['always']);
  expect(service.get('Unit')?.get('Requires')).toEqual(['docker.service']);
  expect(service.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
});

test('a failed health check restarts the service, checked by a timer', () => {
  expect(unit('rocketchat-health.service').get('Unit')?.get('OnFailure')).toEqual([
    'rocketchat-restart.service',
  ]);
  expect(unit('rocketchat-health.service').get('Service')?.get('ExecStart')?.[0]).toContain(
    'http://127.0.0.1:3000/api/info',
  );
  expect(unit('rocketchat-restart.service').get('Service')?.get('ExecStart')).toEqual([
    '/usr/bin/systemctl restart rocketchat.service',
  ]);
  expect(unit('rocketchat-health.timer').get('Timer')?.get('Unit')).toEqual([
    'rocketchat-health.service',
  ]);
});
