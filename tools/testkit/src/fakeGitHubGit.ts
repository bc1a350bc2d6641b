/**
 * The GitHub stand-in's git reads, answered from a real local git repository (the state's
 * `gitRepository`): compare two commits, one commit, and the pull requests of a commit (seeded in
 * the state; none by default). Bodies start from the REST description's own examples and are
 * checked against its schemas like every answer of the stand-in. What it keeps of GitHub's
 * behaviour (REST reference, "Commits"):
 * - compare answers the commits of `git log BASE..HEAD` oldest first; without `per_page`/`page`
 *   at most 250, the newest (the last one is HEAD); with them, pages from the oldest.
 * - `status` is ahead, behind, diverged or identical, from the merge base.
 * - a commit GitHub does not know answers 404 (compare) or 422 (a commit's pulls, a commit).
 * - a commit's `author` is the GitHub user of the commit's email (`gitUsers`), else null.
 */
import { execFileSync } from 'node:child_process';
import { gitHubExample } from './openApi';

/** A pull request as the stand-in keeps it. */
export interface FakePull {
  number: number;
  title: string;
  /** The author's login. */
  user: string;
  state: 'open' | 'closed';
  /** When it was merged; left out for a pull request that was not. */
  mergedAt?: string;
}

export interface GitState {
  owner: string;
  repo: string;
  /** A local git repository the git routes read (`git log`, `git merge-base`). */
  gitRepository?: string;
  /** Pull requests per commit sha (GET .../commits/{sha}/pulls); [] for any other commit. */
  pulls?: Record<string, FakePull[]>;
  /** GitHub logins by commit email: a commit's `author`/`committer` user. */
  gitUsers?: Record<string, string>;
}

export interface GitContext {
  state: GitState;
  user: (login: string) => Record<string, unknown>;
}

type Send = (status: number, data?: unknown) => void;

/** GitHub's limit on the commits of a comparison asked for without paging. */
const COMPARE_LIMIT = 250;
const SEPARATOR = '\u001e';
const FIELD = '\u001f';

function git(repository: string, args: string[]): string {
  return execFileSync('git', ['-C', repository, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The full sha of a commit the repository has, else undefined. */
function resolve(repository: string, ref: string): string | undefined {
  if (!/^[A-Za-z0-9._/-]{1,255}$/.test(ref) || ref.startsWith('-')) return undefined;
  try {
    return git(repository, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
  } catch {
    return undefined;
  }
}

interface GitCommit {
  sha: string;
  parents: string[];
  tree: string;
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  message: string;
}

function readCommits(repository: string, shas: readonly string[]): GitCommit[] {
  if (shas.length === 0) return [];
  const format = ['%H', '%P', '%T', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join(FIELD);
  const out = git(repository, [
    'show',
    '-s',
    '--no-walk=unsorted',
    `--format=${format}${SEPARATOR}`,
    ...shas,
  ]);
  return out
    .split(SEPARATOR)
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record.includes(FIELD))
    .map((record) => {
      const [sha, parents, tree, an, ae, ad, cn, ce, cd, message] = record.split(FIELD) as string[];
      const utc = (date: string | undefined) =>
        new Date(date ?? 0).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        sha: sha!,
        parents: parents ? parents.split(' ') : [],
        tree: tree!,
        author: { name: an!, email: ae!, date: utc(ad) },
        committer: { name: cn!, email: ce!, date: utc(cd) },
        message: (message ?? '').replace(/\n+$/, ''),
      };
    });
}

export function handleGit(
  ctx: GitContext,
  method: string,
  inRepo: string,
  query: URLSearchParams,
  send: Send,
): boolean {
  if (method !== 'GET') return false;
  const { state } = ctx;
  const api = `https://api.github.com/repos/${state.owner}/${state.repo}`;
  const web = `https://github.com/${state.owner}/${state.repo}`;
  const notFound = () =>
    send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  const noCommit = (ref: string) =>
    send(422, {
      message: `No commit found for SHA: ${ref}`,
      documentation_url: 'https://docs.github.com/rest/commits/commits',
    });

  const commitBody = (commit: GitCommit, full = false) => {
    const userOf = (email: string) => {
      const login = state.gitUsers?.[email];
      return login ? ctx.user(login) : null;
    };
    return {
      url: `${api}/commits/${commit.sha}`,
      sha: commit.sha,
      node_id: `C_${commit.sha.slice(0, 12)}`,
      html_url: `${web}/commit/${commit.sha}`,
      comments_url: `${api}/commits/${commit.sha}/comments`,
      commit: {
        url: `${api}/git/commits/${commit.sha}`,
        author: commit.author,
        committer: commit.committer,
        message: commit.message,
        tree: { url: `${api}/git/trees/${commit.tree}`, sha: commit.tree },
        comment_count: 0,
        verification: {
          verified: false,
          reason: 'unsigned',
          signature: null,
          payload: null,
          verified_at: null,
        },
      },
      author: userOf(commit.author.email),
      committer: userOf(commit.committer.email),
      parents: commit.parents.map((sha) => ({
        sha,
        url: `${api}/commits/${sha}`,
        html_url: `${web}/commit/${sha}`,
      })),
      ...(full ? { stats: { additions: 0, deletions: 0, total: 0 }, files: [] } : {}),
    };
  };

  let m = /^\/compare\/([^/]+?)\.\.\.([^/]+)$/.exec(inRepo);
  if (m) {
    const repository = state.gitRepository;
    const base = repository && resolve(repository, decodeURIComponent(m[1]!));
    const head = repository && resolve(repository, decodeURIComponent(m[2]!));
    if (!repository || !base || !head) {
      notFound();
      return true;
    }
    let mergeBase: string;
    try {
      mergeBase = git(repository, ['merge-base', base, head]).trim();
    } catch {
      // No common ancestor: GitHub has nothing to compare.
      notFound();
      return true;
    }
    const count = (range: string) => Number(git(repository, ['rev-list', '--count', range]).trim());
    const aheadBy = count(`${base}..${head}`);
    const behindBy = count(`${head}..${base}`);
    const all = git(repository, ['rev-list', '--reverse', '--topo-order', `${base}..${head}`])
      .split('\n')
      .filter(Boolean);
    const paged = query.has('per_page') || query.has('page');
    const perPage = Math.min(Number(query.get('per_page') ?? 30) || 30, 100);
    const pageNumber = Math.max(Number(query.get('page') ?? 1) || 1, 1);
    const listed = paged
      ? all.slice((pageNumber - 1) * perPage, pageNumber * perPage)
      : all.slice(-COMPARE_LIMIT);
    const [baseCommit, mergeBaseCommit] = readCommits(repository, [base, mergeBase]);
    send(200, {
      ...gitHubExample<Record<string, unknown>>('commit-comparison'),
      url: `${api}/compare/${m[1]}...${m[2]}`,
      html_url: `${web}/compare/${m[1]}...${m[2]}`,
      permalink_url: `${web}/compare/${state.owner}:${base.slice(0, 7)}...${state.owner}:${head.slice(0, 7)}`,
      diff_url: `${web}/compare/${m[1]}...${m[2]}.diff`,
      patch_url: `${web}/compare/${m[1]}...${m[2]}.patch`,
      base_commit: commitBody(baseCommit!),
      merge_base_commit: commitBody(mergeBaseCommit ?? baseCommit!),
      status:
        aheadBy === 0 && behindBy === 0
          ? 'identical'
          : behindBy === 0
            ? 'ahead'
            : aheadBy === 0
              ? 'behind'
              : 'diverged',
      ahead_by: aheadBy,
      behind_by: behindBy,
      total_commits: aheadBy,
      commits: readCommits(repository, listed).map((c) => commitBody(c)),
      files: [],
    });
    return true;
  }

  m = /^\/commits\/([^/]+)\/pulls$/.exec(inRepo);
  if (m) {
    const ref = decodeURIComponent(m[1]!);
    const sha = state.gitRepository ? resolve(state.gitRepository, ref) : ref;
    if (!sha) {
      noCommit(ref);
      return true;
    }
    send(
      200,
      (state.pulls?.[sha] ?? []).map((pull) => pullBody(ctx, pull)),
    );
    return true;
  }

  m = /^\/commits\/([^/]+)$/.exec(inRepo);
  if (m) {
    const ref = decodeURIComponent(m[1]!);
    const sha = state.gitRepository && resolve(state.gitRepository, ref);
    if (!sha) {
      noCommit(ref);
      return true;
    }
    send(200, commitBody(readCommits(state.gitRepository!, [sha])[0]!, true));
    return true;
  }
  return false;
}

function pullBody(ctx: GitContext, pull: FakePull) {
  const example = gitHubExample('pull-request-simple');
  const api = `https://api.github.com/repos/${ctx.state.owner}/${ctx.state.repo}`;
  const web = `https://github.com/${ctx.state.owner}/${ctx.state.repo}`;
  return {
    ...example,
    url: `${api}/pulls/${pull.number}`,
    id: 5_000_000 + pull.number,
    node_id: `PR_${pull.number}`,
    html_url: `${web}/pull/${pull.number}`,
    diff_url: `${web}/pull/${pull.number}.diff`,
    patch_url: `${web}/pull/${pull.number}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    user: ctx.user(pull.user),
    // The example's requested team predates a field the schema now requires.
    requested_teams: [],
    merged_at: pull.mergedAt ?? null,
    closed_at: pull.state === 'closed' ? (pull.mergedAt ?? '2026-01-01T00:00:00Z') : null,
  };
}
