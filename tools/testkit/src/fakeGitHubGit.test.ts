import { startFakeGitHub, defaultGitHubState, type FakeGitHub } from './fakeGitHub';
import { createGitRepository, type GitRepository } from './gitRepository';

const alice = { name: 'Alice Example', email: 'alice@example.org' };
const bob = { name: 'Bob Example', email: 'bob@example.org' };

describe("the GitHub stand-in's git routes (a real local repository)", () => {
  let repository: GitRepository;
  let github: FakeGitHub;
  const get = async (path: string) => {
    const response = await fetch(`${github.url}/repos/example/pipelines${path}`, {
      headers: { authorization: 'Bearer ghp_test_token' },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const shas = (body: Record<string, unknown>) =>
    (body.commits as { sha: string }[]).map((c) => c.sha);

  beforeEach(async () => {
    repository = createGitRepository();
    github = await startFakeGitHub(
      defaultGitHubState({ gitRepository: repository.path, gitUsers: { [alice.email]: 'alice' } }),
    );
  });
  afterEach(async () => {
    await github.stop();
    repository.remove();
  });

  it('compares two commits: the commits between them oldest first, ahead, with authors', async () => {
    const base = repository.commit('first');
    const second = repository.commit('second', alice);
    const head = repository.commit('third\n\nwith a body', bob);
    const { status, body } = await get(`/compare/${base}...${head}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ahead', ahead_by: 2, behind_by: 0, total_commits: 2 });
    expect(shas(body)).toEqual([second, head]);
    const [first, last] = body.commits as {
      author: { login: string } | null;
      commit: { message: string; author: { name: string } };
    }[];
    expect(first!.author?.login).toBe('alice');
    // An email GitHub cannot link to a user: no author user, only the name in the commit.
    expect(last!.author).toBeNull();
    expect(last!.commit).toMatchObject({
      message: 'third\n\nwith a body',
      author: { name: 'Bob Example' },
    });
  });

  it('says diverged when the base is not an ancestor of the head', async () => {
    const root = repository.commit('root');
    const gone = repository.commit('on the old branch');
    repository.git('checkout', '--quiet', '-b', 'rewritten', root);
    const head = repository.commit('on the new branch');
    const { body } = await get(`/compare/${gone}...${head}`);
    expect(body).toMatchObject({ status: 'diverged', ahead_by: 1, behind_by: 1 });
    expect((body.merge_base_commit as { sha: string }).sha).toBe(root);
  });

  it('says identical and behind', async () => {
    const older = repository.commit('older');
    const newer = repository.commit('newer');
    expect((await get(`/compare/${newer}...${newer}`)).body).toMatchObject({
      status: 'identical',
      commits: [],
    });
    expect((await get(`/compare/${newer}...${older}`)).body).toMatchObject({
      status: 'behind',
      behind_by: 1,
    });
  });

  it('answers the newest 250 commits without paging, pages from the oldest with it', async () => {
    const base = repository.commit('base');
    const made = repository.commitMany(252);
    const all = await get(`/compare/${base}...${made.at(-1)}`);
    expect(all.body.total_commits).toBe(252);
    expect(shas(all.body)).toEqual(made.slice(2));
    const page = await get(`/compare/${base}...${made.at(-1)}?per_page=100&page=1`);
    expect(shas(page.body)).toEqual(made.slice(0, 100));
  });

  it('answers 404 for a commit the repository does not have', async () => {
    const head = repository.commit('only');
    expect((await get(`/compare/${'0'.repeat(40)}...${head}`)).status).toBe(404);
  });

  it("lists a commit's pull requests from the state, none by default", async () => {
    const sha = repository.commit('merged');
    expect((await get(`/commits/${sha}/pulls`)).body).toEqual([]);
    github.state.pulls = {
      [sha]: [
        {
          number: 12,
          title: 'Health check',
          user: 'alice',
          state: 'closed',
          mergedAt: '2026-01-02T00:00:00Z',
        },
      ],
    };
    const { body } = await get(`/commits/${sha}/pulls`);
    expect(body).toEqual([
      expect.objectContaining({
        number: 12,
        title: 'Health check',
        merged_at: '2026-01-02T00:00:00Z',
        html_url: 'https://github.com/example/pipelines/pull/12',
      }),
    ]);
    expect((await get(`/commits/${'0'.repeat(40)}/pulls`)).status).toBe(422);
  });

  it('answers one commit', async () => {
    const parent = repository.commit('parent');
    const sha = repository.commit('child', alice);
    const { status, body } = await get(`/commits/${sha}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ sha, parents: [{ sha: parent }], commit: { message: 'child' } });
  });
});
