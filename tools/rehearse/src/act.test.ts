import { actArguments, actEnvironment, pushEventPayload } from './act';

describe('act invocation', () => {
  const args = actArguments({
    directory: '/r/repo',
    workflow: '/r/workflow/pipeline.yml',
    eventPath: '/r/event.json',
    localRepositories: [
      {
        use: { uses: 'pnpm/action-setup@41ff', repository: 'pnpm/action-setup', ref: '41ff' },
        folder: '/s/pnpm/action-setup',
      },
    ],
    vars: { AWS_REGION: 'us-east-1' },
    secrets: { GITHUB_TOKEN: 't' },
    env: { REHEARSAL_BIN: '/r/bin' },
    artifactPath: '/r/a',
    artifactPort: 4001,
    cachePath: '/r/c',
    cachePort: 4002,
    actionCachePath: '/r/act',
  });
  const after = (flag: string) => args[args.indexOf(flag) + 1];

  it('runs a push in host mode with a JSON log', () => {
    expect(args[0]).toBe('push');
    expect(after('--platform')).toBe('ubuntu-latest=-self-hosted');
    expect(args).toContain('--json');
    expect(after('--eventpath')).toBe('/r/event.json');
  });

  it('keeps act’s artifact and cache servers on loopback, on the given ports', () => {
    expect(after('--artifact-server-addr')).toBe('127.0.0.1');
    expect(after('--artifact-server-port')).toBe('4001');
    expect(after('--cache-server-addr')).toBe('127.0.0.1');
    expect(after('--cache-server-port')).toBe('4002');
  });

  it('maps pinned third-party actions to stand-ins, and passes vars, secrets and env', () => {
    expect(after('--local-repository')).toBe('pnpm/action-setup@41ff=/s/pnpm/action-setup');
    expect(after('--var')).toBe('AWS_REGION=us-east-1');
    expect(after('--secret')).toBe('GITHUB_TOKEN=t');
    expect(after('--env')).toBe('REHEARSAL_BIN=/r/bin');
  });

  it('gives act no real cloud credentials or runner variables, and the tools first on PATH', () => {
    const env = actEnvironment(
      {
        PATH: '/usr/bin',
        HOME: '/h',
        AWS_ACCESS_KEY_ID: 'AKIA',
        AWS_PROFILE: 'x',
        GITHUB_TOKEN: 'g',
        ACTIONS_CACHE_URL: 'u',
      },
      ['/r/bin'],
    );
    expect(env).toEqual({ PATH: '/r/bin:/usr/bin', HOME: '/h' });
  });

  it('writes a push event with the ref, the commit and the repository', () => {
    expect(
      pushEventPayload({
        ref: 'refs/tags/staging',
        sha: 'abc',
        repository: 'example/pipelines',
        defaultBranch: 'master',
        message: 'm',
      }),
    ).toMatchObject({
      ref: 'refs/tags/staging',
      after: 'abc',
      repository: { full_name: 'example/pipelines', owner: { login: 'example' } },
    });
  });
});
