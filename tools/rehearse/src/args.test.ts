import { approveCommand, parseCli, UsageError } from './args';

describe('parseCli', () => {
  it('rehearses a push to integration by default', () => {
    expect(parseCli([])).toMatchObject({
      ref: 'refs/heads/integration',
      approve: false,
      keep: false,
      fresh: false,
      servers: true,
      worktree: false,
    });
  });

  it('takes --no-servers, which leaves the server rollout out', () => {
    expect(parseCli(['--no-servers'])).toMatchObject({ servers: false });
  });

  it('takes --fresh, which forgets the deployment records of earlier rehearsals', () => {
    expect(parseCli(['--fresh'])).toMatchObject({ fresh: true });
  });

  it('takes a tag ref, --approve and --keep', () => {
    expect(parseCli(['--ref', 'refs/heads/master', '--approve', '--keep'])).toMatchObject({
      ref: 'refs/heads/master',
      approve: true,
      keep: true,
    });
  });

  it.each([
    ['--ref', 'master'],
    ['--ref', 'refs/pull/1/merge'],
    ['--nope'],
    ['--workflow', '../x.yml'],
  ])('refuses %s %s with the fix', (...argv) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
  });

  it('names the flag and the fix for a short ref', () => {
    expect(() => parseCli(['--ref', 'master'])).toThrow(/--ref "master".*refs\/heads\/<branch>/);
  });
});

describe('approveCommand', () => {
  const held = (argv: string[]) => approveCommand(parseCli(argv));

  it.each([
    [[], 'bash scripts/rehearse.sh --ref refs/heads/integration --approve'],
    [
      ['--ref', 'refs/heads/master', '--no-servers'],
      'bash scripts/rehearse.sh --ref refs/heads/master --no-servers --approve',
    ],
    [
      ['--ref', 'refs/tags/v1', '--worktree', '--workflow', '.github/workflows/rollback.yml'],
      'bash scripts/rehearse.sh --ref refs/tags/v1 --worktree --workflow .github/workflows/rollback.yml --approve',
    ],
    [
      ['--repo', '/tmp/my fork', '--verbose', '--keep', '--fresh'],
      "bash scripts/rehearse.sh --ref refs/heads/integration --repo '/tmp/my fork' --approve",
    ],
  ])('a rehearsal held after %j continues with: %s', (argv, command) => {
    expect(held(argv)).toBe(command);
  });

  it('parses back to the held options with --approve', () => {
    const argv = ['--ref', 'refs/heads/master', '--no-servers', '--worktree'];
    const words = held(argv).split(' ').slice(2);
    expect(parseCli(words)).toEqual({ ...parseCli(argv), approve: true });
  });
});
