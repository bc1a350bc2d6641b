/**
 * Issue "servers", the image servers: a clone of this repository whose environments.yml lists
 * pipelines/fulcrum and pipelines/rocketchat, built by the clone's own build scripts
 * (services/<service>/scripts/build-image.sh: small umoci stand-ins of the apps' shape, a web
 * server on port 3000 answering the service's health path; the real Fulcrum and Rocket.Chat
 * cannot be built or pulled here). One rehearsed push to integration (mint: no hold) boots the
 * proxy, blog, fulcrum and rocketchat hosts; the rollout deploys the run's images to fulcrum and
 * rocketchat through the same deploy document and deploy.sh (Docker stood in on their hosts),
 * and pm.<domain> and chat.<domain> answer through the proxy. Needs root (test hosts); without it
 * the file is skipped, loudly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addImageRepository } from '@pipelines/testkit';
import { EXIT, type Rehearsal } from '../src/rehearse';
import type { BootedServer } from '../src/servers';
import { cloneOfThisRepository, rehearseClone } from './fixtureRepo';

jest.setTimeout(20 * 60_000);

const root = process.getuid?.() === 0;
const describeAsRoot = root ? describe : describe.skip;
if (!root) console.warn('tools/rehearse/test/imageServers.test.ts skipped: test hosts need root');

const DOMAIN = 'pipelines.example.com';
/** Each stand-in: its proxy host name, its health path (deploy.sh's check) and what it answers. */
const APPS = [
  { service: 'fulcrum', host: 'pm', health: '/users/sign_in' },
  { service: 'rocketchat', host: 'chat', health: '/api/info' },
] as const;
const answerOf = (service: string) => `${service} stand-in\n`;

/** A stand-in image of the app's shape, built as every image is (umoci, fixed times). */
const standInBuild = (service: string, health: string) => `#!/usr/bin/env bash
# A stand-in of ${service}'s image for the rehearsal: python3's web server on port 3000 serving
# ${health} (the health path deploy.sh checks) from /srv.
set -euo pipefail
OUT="$1"
site="$(mktemp -d)"; layer="$(mktemp)"; trap 'rm -rf "$site" "$layer"' EXIT
mkdir -p "$site/srv${path.posix.dirname(health)}"
printf '${answerOf(service).trim()}\\n' > "$site/srv${health}"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$site" -cf "$layer" .
umoci init --layout "$OUT"
umoci new --image "$OUT:latest"
umoci raw add-layer --image "$OUT:latest" --history.created 1970-01-01T00:00:00Z "$layer"
umoci config --no-history --image "$OUT:latest" --created 1970-01-01T00:00:00Z \\
  --os linux --architecture amd64 --config.exposedports 3000/tcp --config.workingdir /srv \\
  --config.cmd=python3 --config.cmd=-m --config.cmd=http.server \\
  --config.cmd=--bind --config.cmd=0.0.0.0 --config.cmd=3000
umoci gc --layout "$OUT"
`;

/** GET https://<name>.<domain><path> from this machine, the name resolved to the proxy host. */
function throughProxy(proxy: BootedServer | undefined, host: string, urlPath: string): string {
  const name = `${host}.${DOMAIN}`;
  return spawnSync(
    'curl',
    [
      ...['--silent', '--insecure', '--max-time', '10'],
      ...['--resolve', `${name}:443:${proxy?.address ?? '127.0.0.1'}`, `https://${name}${urlPath}`],
    ],
    { encoding: 'utf8' },
  ).stdout;
}

describeAsRoot(
  'rehearsed rollout of the run’s images to the fulcrum and rocketchat servers',
  () => {
    let clone = '';
    const seen: {
      r?: Rehearsal;
      output?: string;
      servers?: BootedServer[];
      releases?: Record<string, string | undefined>;
      digests?: Record<string, string | undefined>;
      answers?: Record<string, string>;
    } = {};

    beforeAll(async () => {
      clone = cloneOfThisRepository('apps');
      // Both after pipelines/blog, in one edit of its line.
      addImageRepository(
        path.join(clone, 'environments.yml'),
        APPS.map(({ service }) => `pipelines/${service}`).join(', '),
      );
      for (const { service, health } of APPS) {
        const script = path.join(clone, 'services', service, 'scripts', 'build-image.sh');
        mkdirSync(path.dirname(script), { recursive: true });
        writeFileSync(script, standInBuild(service, health));
        chmodSync(script, 0o755);
      }
      const git = (...args: string[]) =>
        execFileSync('git', [
          ...['-C', clone, '-c', 'user.name=Pipelines test', '-c', 'user.email=test@example.org'],
          ...args,
        ]);
      git('add', '-A');
      git('commit', '-qm', 'Images of fulcrum and rocketchat, built as stand-ins');

      const { r, lines } = await rehearseClone(clone, 'refs/heads/integration', { fresh: true });
      seen.r = r;
      seen.output = lines.join('\n');
      if (r.exitCode !== EXIT.deployed) console.log(seen.output);
      seen.servers = r.serversSetup.rehearsed ? await r.serversSetup.booted : [];
      seen.releases = Object.fromEntries(
        await Promise.all(
          seen.servers.map(
            async (s) =>
              [
                s.service,
                (
                  await s.host.exec(`basename "$(readlink /opt/pipelines/${s.service}/current)"`)
                ).stdout.trim(),
              ] as const,
          ),
        ),
      );
      const listed = r.actLog.outputs.get('release-candidate')?.get('images')?.images;
      const images = listed ? (JSON.parse(listed) as { service: string; digest: string }[]) : [];
      seen.digests = Object.fromEntries(images.map((i) => [i.service, i.digest]));
      const proxy = seen.servers.find((s) => s.service === 'proxy');
      seen.answers = Object.fromEntries(
        APPS.map(({ host, health }) => [host, throughProxy(proxy, host, health)]),
      );
    });
    afterAll(async () => {
      await seen.r?.teardown();
      if (clone) rmSync(clone, { recursive: true, force: true });
    });

    it('boots the four servers and deploys, rolling out one release per server', () => {
      expect(seen.r?.exitCode).toBe(EXIT.deployed);
      expect(seen.r?.actLog.jobs.get('deploy')?.state).toBe('success');
      expect(seen.servers?.map((s) => s.service)).toEqual([
        'proxy',
        'blog',
        'fulcrum',
        'rocketchat',
      ]);
      expect(seen.r?.serversSetup.rehearsed && seen.r.serversSetup.ssm.commands.length).toBe(4);
    });

    it("runs this run's image on the fulcrum and rocketchat servers, by digest", () => {
      for (const { service } of APPS) {
        expect(seen.digests?.[service]).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(seen.releases?.[service]).toBe(seen.digests?.[service]?.slice(7, 23));
      }
    });

    it('answers pm.<domain> and chat.<domain> through the proxy with the stand-ins’ health responses', () => {
      expect(seen.answers).toEqual({ pm: answerOf('fulcrum'), chat: answerOf('rocketchat') });
    });

    it("lists all four servers' releases in the summary, each this run's", () => {
      const table = seen.output?.split("Each server's release")[1] ?? '';
      for (const service of ['proxy', 'blog', 'fulcrum', 'rocketchat'])
        expect(table).toMatch(
          new RegExp(
            `\\n${service}\\s+mint\\s+i-[0-9a-f]{17}\\s+${seen.releases?.[service]}\\s+${seen.releases?.[service]}\\s+this run`,
          ),
        );
    });
  },
);
