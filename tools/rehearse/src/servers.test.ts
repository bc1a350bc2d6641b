import {
  rehearsedServers,
  serverHosts,
  serverSettings,
  serversDecision,
  workflowRollsOut,
} from './servers';

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
  it('gives each tier its own host names, addresses and instance ids', () => {
    const lower = serverHosts('lower');
    const upper = serverHosts('upper');
    expect(lower.map((h) => h.service)).toEqual(['proxy', 'blog']);
    const all = [...lower, ...upper];
    for (const key of ['name', 'address', 'instanceId'] as const)
      expect(new Set(all.map((h) => h[key])).size).toBe(all.length);
    for (const host of all) {
      expect(host.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(host.name).toMatch(/^[a-z][a-z0-9]{0,9}$/);
      expect(host.address).toMatch(/^10\.254\.\d+\.2$/);
    }
  });

  it("points the proxy's upstreams at the blog, fulcrum and rocketchat hosts", () => {
    const hosts = serverHosts('lower', ['proxy', 'blog', 'fulcrum', 'rocketchat']);
    const at = (service: string) => `${hosts.find((h) => h.service === service)?.address}:3000`;
    expect(serverSettings('proxy', 'lower', 'example.com')).toEqual({
      DOMAIN: 'example.com',
      BLOG_UPSTREAM: at('blog'),
      PM_UPSTREAM: at('fulcrum'),
      CHAT_UPSTREAM: at('rocketchat'),
    });
  });

  it("points the proxy's blog upstream at the blog host", () => {
    const blog = serverHosts('lower').find((h) => h.service === 'blog');
    expect(serverSettings('proxy', 'lower', 'example.com')).toMatchObject({
      DOMAIN: 'example.com',
      BLOG_UPSTREAM: `${blog?.address}:3000`,
    });
    expect(serverSettings('blog', 'lower', 'example.com')).toEqual({
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
