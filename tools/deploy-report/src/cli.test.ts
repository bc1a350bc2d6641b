import { defaultGitHubState, startFakeGitHub, type FakeGitHub } from '@pipelines/testkit';
import { main } from './cli';

describe('pnpm deploy-report: options', () => {
  let github: FakeGitHub;
  let printed: string;
  let warnings: string[];
  beforeEach(async () => {
    github = await startFakeGitHub(defaultGitHubState());
    printed = '';
    warnings = [];
  });
  afterEach(() => github.stop());
  const cli = (
    args: string[],
    env: NodeJS.ProcessEnv = { GITHUB_TOKEN: github.state.token, GITHUB_API_URL: github.url },
  ) =>
    main(
      args,
      env,
      (text) => (printed += text),
      (line) => warnings.push(line),
    );

  it.each<[string[], RegExp]>([
    [['--days', '0'], /--days must be a whole number of days from 1 to 365, not "0"/],
    [['--days', 'a week'], /--days must be a whole number/],
    [['--until', 'soon'], /--until must be a time such as 2026-11-30/],
    [['--repo', 'pipelines'], /--repo must be owner\/repo as GitHub spells it, not "pipelines"/],
    [
      ['--environment', 'production'],
      /--environment "production" is no environment of .*environments\.yml: use one of mint, amy, pat, qa, staging, prod, or a family member such as int-alice/,
    ],
    [['--colour'], /Unknown option '--colour'[\s\S]*usage: pnpm deploy-report/],
  ])('refuses %j with the fix and exit status 2, before any request', async (args, message) => {
    expect(await cli(args)).toBe(2);
    expect(warnings.join('\n')).toMatch(message);
    expect(github.requests).toEqual([]);
  });

  it('says how to get a token when there is none', async () => {
    expect(await cli([], { GITHUB_API_URL: github.url })).toBe(2);
    expect(warnings.join('\n')).toContain(
      'Set GITHUB_TOKEN (or GH_TOKEN) to a token that may read the repository, for example GITHUB_TOKEN=$(gh auth token) pnpm deploy-report.',
    );
    expect(github.requests).toEqual([]);
  });

  it('takes the token from GH_TOKEN as well', async () => {
    expect(
      await cli(['--environment', 'qa'], {
        GH_TOKEN: github.state.token,
        GITHUB_API_URL: github.url,
      }),
    ).toBe(0);
    expect(printed).toContain('qa: https://github.com/example/pipelines/deployments/qa');
  });

  it("links GitHub Enterprise Server's own deployments pages", async () => {
    const env = {
      GITHUB_TOKEN: github.state.token,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://ghe.example.com/',
    };
    expect(await cli(['--environment', 'qa'], env)).toBe(0);
    expect(printed).toContain('qa: https://ghe.example.com/example/pipelines/deployments/qa');
  });

  it('fails with exit status 1 and the fix when GitHub refuses the token', async () => {
    expect(
      await cli(['--environment', 'qa'], { GITHUB_TOKEN: 'wrong', GITHUB_API_URL: github.url }),
    ).toBe(1);
    expect(warnings.join('\n')).toMatch(
      /Could not list the deployments of example\/pipelines: Bad credentials.*The token is not accepted: get a fresh one \(gh auth token\)/,
    );
  });
});
