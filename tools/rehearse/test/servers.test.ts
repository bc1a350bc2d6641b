/**
 * Issue "servers": the server rollout, rehearsed. The committed pipeline, run with act for a
 * clone of this repository, rolls its releases out through SSM (the stand-in runs the deploy
 * document on the Debian test hosts whose tags match, as the agent would) to the proxy and the
 * blog, booted here and installed by the infra's user data commands. Needs root (test hosts);
 * without it the file is skipped, loudly.
 *
 * Three rehearsals, one after the other (the machine has two cores), each booting its tier's hosts:
 *   - a push to integration: mint's proxy and blog serve this run's releases, the blog opens in
 *     headless Chromium through the proxy by its host name, and the summary lists each server's
 *     release;
 *   - a push to master: at the hold no command reached prod's servers and they are unchanged;
 *     after approval they serve the release;
 *   - a second push to integration, of a commit whose blog is built without its home page: the
 *     blog's health check fails, deploy.sh rolls back, the rollout step and the run fail, and
 *     the blog keeps serving its previous release (the one its install left: each rehearsal
 *     boots its hosts afresh).
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromiumDom } from '@pipelines/testkit';
import { EXIT, type Rehearsal } from '../src/rehearse';
import type { BootedServer } from '../src/servers';
import { cloneOfThisRepository, rehearseClone } from './fixtureRepo';

jest.setTimeout(20 * 60_000);

const root = process.getuid?.() === 0;
const describeAsRoot = root ? describe : describe.skip;
if (!root) console.warn('tools/rehearse/test/servers.test.ts skipped: test hosts need root');

const DOMAIN = 'pipelines.example.com';
/** Each rehearsal forgets the deployment records the clone's earlier ones left. */
const FRESH = { fresh: true };

const serversOf = async (r: Rehearsal): Promise<BootedServer[]> =>
  r.serversSetup.rehearsed ? await r.serversSetup.booted : [];

const current = async (server: BootedServer | undefined) =>
  (
    await server?.host.run(`basename "$(readlink /opt/pipelines/${server.service}/current)"`)
  )?.trim();

/** What a visitor's Chromium shows for https://blog.<domain>/, the name mapped to the proxy host. */
async function blogInChromium(proxy: BootedServer): Promise<string> {
  // The proxy's certificate is its own (self-signed at install): pinned by its public key.
  const pem = await proxy.host.run('cat /etc/pipelines/tls/self-signed.crt');
  const spki = createHash('sha256')
    .update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  return chromiumDom(`https://blog.${DOMAIN}/`, [
    `--host-resolver-rules=MAP blog.${DOMAIN} ${proxy.address}, MAP * ~NOTFOUND`,
    `--ignore-certificate-errors-spki-list=${spki}`,
  ]);
}

describeAsRoot('rehearsed server rollout on Debian test hosts', () => {
  let clone = '';
  beforeAll(() => {
    clone = cloneOfThisRepository('servers');
  });
  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  describe('a push to integration', () => {
    const seen: {
      r?: Rehearsal;
      output?: string;
      releases?: Record<string, string | undefined>;
      runSha?: Record<string, string | undefined>;
      dom?: string;
      commands?: number;
    } = {};
    beforeAll(async () => {
      const { r, lines } = await rehearseClone(clone, 'refs/heads/integration', FRESH);
      seen.r = r;
      seen.output = lines.join('\n');
      if (r.exitCode !== EXIT.deployed) console.log(seen.output);
      const servers = await serversOf(r);
      seen.releases = Object.fromEntries(
        await Promise.all(servers.map(async (s) => [s.service, await current(s)] as const)),
      );
      const upload = r.actLog.outputs.get('upload');
      seen.runSha = {
        blog: upload?.get('blog')?.sha256,
        proxy: upload?.get('proxy')?.sha256,
      };
      seen.commands = r.serversSetup.rehearsed ? r.serversSetup.ssm.commands.length : -1;
      const proxy = servers.find((s) => s.service === 'proxy');
      if (proxy) seen.dom = await blogInChromium(proxy);
    });
    afterAll(() => seen.r?.teardown());

    it('rolls this run’s proxy and blog releases out through SSM, and each server runs them', () => {
      expect(seen.r?.exitCode).toBe(EXIT.deployed);
      expect(seen.r?.actLog.jobs.get('deploy')?.state).toBe('success');
      // One command per release line: the proxy, then the blog.
      expect(seen.commands).toBe(2);
      expect(seen.runSha?.blog).toMatch(/^[0-9a-f]{64}$/);
      expect(seen.releases).toEqual({
        proxy: seen.runSha?.proxy?.slice(0, 16),
        blog: seen.runSha?.blog?.slice(0, 16),
      });
    });

    it('serves the blog through the proxy by its host name', () => {
      const observed = seen.r?.servers;
      expect(observed?.throughProxy).toContain('<title');
      expect(observed?.throughProxy).toBe(observed?.blogPage);
    });

    it("lists each server's release in the summary", () => {
      const table = seen.output?.split("Each server's release")[1] ?? '';
      for (const service of ['proxy', 'blog'])
        expect(table).toMatch(
          new RegExp(
            `\\n${service}\\s+mint\\s+i-[0-9a-f]{17}\\s+${seen.releases?.[service]}\\s+${seen.releases?.[service]}\\s+this run`,
          ),
        );
    });

    it('opens in headless Chromium at https://blog.<domain>, through the proxy host', () => {
      expect(seen.dom).toMatch(/<title[^>]*>Pipelines blog<\/title>/);
    });
  });

  describe('a push to master', () => {
    const seen: {
      r?: Rehearsal;
      atHold?: { exitCode: number; commands: number; releases: (string | undefined)[] };
      approved?: Rehearsal;
      releases?: (string | undefined)[];
      runSha?: (string | undefined)[];
    } = {};
    beforeAll(async () => {
      const { r } = await rehearseClone(clone, 'refs/heads/master', FRESH);
      seen.r = r;
      const servers = await serversOf(r);
      seen.atHold = {
        exitCode: r.exitCode,
        commands: r.serversSetup.rehearsed ? r.serversSetup.ssm.commands.length : -1,
        releases: await Promise.all(servers.map(current)),
      };
      if (!r.approve) return;
      seen.approved = await r.approve();
      seen.releases = await Promise.all(servers.map(current));
      const upload = r.actLog.outputs.get('upload');
      seen.runSha = servers.map((s) => upload?.get(s.service)?.sha256?.slice(0, 16));
    });
    afterAll(() => seen.r?.teardown());

    it("leaves prod's servers untouched at the hold: no command sent, each runs its installed release", () => {
      expect(seen.atHold).toEqual({
        exitCode: EXIT.held,
        commands: 0,
        releases: ['bundled', 'bundled'],
      });
    });

    it('rolls the approved releases out to prod’s servers after approval', () => {
      expect(seen.approved?.exitCode).toBe(EXIT.deployed);
      expect(seen.runSha?.every((sha) => /^[0-9a-f]{16}$/.test(sha ?? ''))).toBe(true);
      expect(seen.releases).toEqual(seen.runSha);
    });
  });
  describe('a second push to integration whose blog fails its health check', () => {
    const seen: { r?: Rehearsal; output?: string; blog?: string; page?: string } = {};
    beforeAll(async () => {
      // A release built without its home page: nginx answers 403 for /, the health check fails.
      appendFileSync(
        path.join(clone, 'services', 'blog', 'gatsby-node.js'),
        "\nexports.onPostBuild = () => require('node:fs').rmSync('public/index.html');\n",
      );
      execFileSync('git', [
        ...['-C', clone, '-c', 'user.name=Pipelines test', '-c', 'user.email=test@example.org'],
        ...['commit', '-qam', 'blog: a build without its home page'],
      ]);
      const { r, lines } = await rehearseClone(clone, 'refs/heads/integration', FRESH);
      seen.r = r;
      seen.output = lines.join('\n');
      const blog = (await serversOf(r)).find((s) => s.service === 'blog');
      seen.blog = await current(blog);
      seen.page = (
        await blog?.host.exec("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:3000/")
      )?.stdout;
    });
    afterAll(() => seen.r?.teardown());

    it('fails the rollout step and the run', () => {
      expect(seen.r?.exitCode).toBe(EXIT.failed);
      expect(seen.r?.actLog.jobs.get('deploy')?.state).toBe('failure');
      expect(seen.output).toContain('failed its health check and was rolled back (exit 1)');
    });

    it('keeps serving the previous release on the blog server', () => {
      expect(seen.blog).toBe('bundled');
      expect(seen.page).toBe('200');
      expect(seen.output).toMatch(
        /\nblog\s+mint\s+i-[0-9a-f]{17}\s+bundled\s+[0-9a-f]{16}\s+not this run/,
      );
    });
  });
});
