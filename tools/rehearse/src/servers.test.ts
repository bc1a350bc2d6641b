import { execFileSync } from 'node:child_process';
import { repoRoot } from '@pipelines/testkit';
import {
  rehearsedServers,
  serverHosts,
  serverSettings,
  serversDecision,
  workflowRollsOut,
} from './servers';
import { slotsOf } from './serverSlots';

describe('serversDecision', () => {
  it('does not boot servers for a workflow without the rollout step (nothing would change them)', () => {
    const owner = { servers: true, environment: 'mint', tier: 'lower' as const };
    expect(serversDecision(owner, { noServers: false, root: true, rollsOut: false })).toEqual({
      rehearsed: false,
      reason: "the workflow has no ./actions/server-rollout step: no rollout to mint's servers",
    });
  });

  it.each([
    [
      'a job with the rollout step',
      'jobs:\n  deploy:\n    steps:\n      - uses: ./actions/server-rollout\n',
      true,
    ],
    [
      'no such step',
      'jobs:\n  deploy:\n    steps:\n      - uses: ./actions/lambda-deploy\n      - run: echo\n',
      false,
    ],
    ['a job without steps', 'jobs:\n  call:\n    uses: ./.github/workflows/pipeline.yml\n', false],
  ])('workflowRollsOut: %s', (_, text, rollsOut) => {
    expect(workflowRollsOut(text)).toBe(rollsOut);
  });

  const owner = { servers: true, environment: 'mint', tier: 'lower' as const };
  it.each([
    ['rehearses the rollout of the servers owner, as root', owner, false, true, true],
    [
      'not for an environment that does not own the servers',
      { ...owner, servers: false, environment: 'qa' },
      false,
      true,
      false,
    ],
    ['not with --no-servers', owner, true, true, false],
    ['not without root (test hosts need it)', owner, false, false, false],
  ])('%s', (_, resolution, noServers, root, rehearsed) => {
    expect(serversDecision(resolution, { noServers, root, rollsOut: true }).rehearsed).toBe(
      rehearsed,
    );
  });

  it('says plainly that the rollout was not rehearsed, and why', () => {
    expect(serversDecision(owner, { noServers: true, root: true, rollsOut: true })).toEqual({
      rehearsed: false,
      reason: expect.stringMatching(/^the server rollout was NOT rehearsed \(--no-servers\)/),
    });
    expect(serversDecision(owner, { noServers: false, root: false, rollsOut: true })).toEqual({
      rehearsed: false,
      reason: expect.stringContaining('NOT rehearsed: its test hosts need root'),
    });
  });
});

describe('serverHosts', () => {
  const ALL = ['proxy', 'blog', 'fulcrum', 'rocketchat'] as const;
  const [lower, ...lowerSpares] = slotsOf('lower');
  const [upper] = slotsOf('upper');
  const slots = [lower!, upper!, ...lowerSpares];

  it("keeps a lone rehearsal's hosts as they were: each tier's own slot first", () => {
    expect(serverHosts(lower!, ALL)).toEqual([
      {
        service: 'proxy',
        instanceId: 'i-00000000000000a47',
        name: 'lproxy',
        address: '10.254.71.2',
      },
      { service: 'blog', instanceId: 'i-00000000000000a48', name: 'lblog', address: '10.254.72.2' },
      {
        service: 'fulcrum',
        instanceId: 'i-00000000000000a49',
        name: 'lfulcrum',
        address: '10.254.73.2',
      },
      {
        service: 'rocketchat',
        instanceId: 'i-00000000000000a4a',
        name: 'lrocketcha',
        address: '10.254.74.2',
      },
    ]);
    expect(serverHosts(upper!).map((h) => [h.name, h.address])).toEqual([
      ['uproxy', '10.254.81.2'],
      ['ublog', '10.254.82.2'],
    ]);
  });

  it('gives every slot, of either tier or spare, its own host names, addresses and instance ids', () => {
    const all = slots.flatMap((slot) => serverHosts(slot, ALL));
    expect(all).toHaveLength(6 * 4);
    for (const key of ['name', 'address', 'instanceId'] as const)
      expect(new Set(all.map((h) => h[key])).size).toBe(all.length);
    for (const host of all) {
      expect(host.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
      // testHost.ts's limit: the name becomes namespace, link and machine names.
      expect(host.name).toMatch(/^[a-z][a-z0-9]{0,9}$/);
      expect(host.address).toMatch(/^10\.254\.\d+\.2$/);
    }
  });

  it("keeps every slot's networks apart from every other test host in the repository", () => {
    // Every 10.254.<n>.<m> written in the repository's TypeScript outside the rehearsal's sources.
    const others = execFileSync(
      'git',
      ['grep', '-ohE', '10\\.254\\.[0-9]+\\.[0-9]+', '--', '*.ts', ':!tools/rehearse/src'],
      { cwd: repoRoot, encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean)
      .map((address) => Number(address.split('.')[2]));
    expect(others).toEqual(expect.arrayContaining([21, 31, 41]));
    const thirds = slots.flatMap((slot) =>
      serverHosts(slot, ALL).map((h) => Number(h.address.split('.')[2])),
    );
    expect(thirds.filter((third) => others.includes(third) || third > 255)).toEqual([]);
  });

  it.each(slots.map((slot) => [slot.id, slot]))(
    "points the proxy's upstreams at the blog, fulcrum and rocketchat hosts of its own slot (%s)",
    (_, slot) => {
      const hosts = serverHosts(slot, ALL);
      const at = (service: string) => `${hosts.find((h) => h.service === service)?.address}:3000`;
      expect(serverSettings('proxy', slot, 'example.com')).toEqual({
        DOMAIN: 'example.com',
        BLOG_UPSTREAM: at('blog'),
        PM_UPSTREAM: at('fulcrum'),
        CHAT_UPSTREAM: at('rocketchat'),
      });
    },
  );

  it('gives the other servers their port and domain', () => {
    expect(serverSettings('blog', lower!, 'example.com')).toEqual({
      PORT: '3000',
      DOMAIN: 'example.com',
    });
  });
});

describe('rehearsedServers', () => {
  const listing = (...imageRepositories: string[]) => ({ names: { imageRepositories } }) as never;
  it('boots the proxy and the blog when the run builds no image of fulcrum or rocketchat', () => {
    expect(rehearsedServers(listing('pipelines/blog'))).toEqual(['proxy', 'blog']);
  });
  it('boots the servers of the images the run builds, whose releases they are', () => {
    expect(rehearsedServers(listing('pipelines/blog', 'pipelines/rocketchat'))).toEqual([
      'proxy',
      'blog',
      'rocketchat',
    ]);
    expect(
      rehearsedServers(listing('pipelines/rocketchat', 'pipelines/blog', 'team/fulcrum')),
    ).toEqual(['proxy', 'blog', 'fulcrum', 'rocketchat']);
  });
});
