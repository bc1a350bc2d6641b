/**
 * A stand-in for the part of GitHub's REST API that the bootstrap and the prod guard use
 * (repository, OIDC subject customisation, users, teams, environments, deployment branch policies,
 * environment variables, rulesets, a run's deployment reviews; deployments and their statuses,
 * fakeGitHubDeployments.ts; compare, a commit and its pull requests from a real local git
 * repository, fakeGitHubGit.ts). GitHub cannot be reached from
 * here, so this server keeps in-memory state and records every request for assertions. It is a
 * mock of GitHub, used only where no real GitHub can be.
 *
 * It cannot drift from the real API unnoticed: every request is matched to an operation of
 * GitHub's published REST description and its body checked against that operation's schema (an
 * unknown route answers 404, a bad body 422, as GitHub does), and every answer is checked against
 * the schema of its status. Each mismatch is recorded; `assertValid()` and `stop()` throw, listing
 * them, so the test that made the request fails.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleDeployments, type DeploymentsState } from './fakeGitHubDeployments';
import { handleGit, type GitState } from './fakeGitHubGit';
import { handleWorkflowRuns, type WorkflowRunsState } from './fakeGitHubRuns';
import { gitHubApi, gitHubExample, type Operation } from './openApi';

export interface FakeEnvironment {
  reviewers: { type: 'User' | 'Team'; id: number }[];
  preventSelfReview: boolean;
  customPolicies: boolean;
  policies: { id: number; name: string; type: 'branch' | 'tag' }[];
  variables: Record<string, string>;
  /** GitHub's default for an environment created through the API is true. */
  canAdminsBypass?: boolean;
}

/** One entry of a run's deployment review log (GET .../actions/runs/{run_id}/approvals). */
export interface FakeApproval {
  user: string;
  environments: string[];
  state: 'approved' | 'rejected' | 'pending';
  comment?: string;
}

/** A repository ruleset as it was last written (the request body) with its id. */
export interface FakeRuleset {
  id: number;
  name: string;
  target: 'branch' | 'tag' | 'push';
  enforcement: 'disabled' | 'active' | 'evaluate';
  bypass_actors: { actor_id?: number | null; actor_type: string; bypass_mode?: string }[];
  conditions: { ref_name?: { include?: string[]; exclude?: string[] } } | null;
  rules: { type: string; parameters?: unknown }[];
}

export interface FakeGitHubState extends DeploymentsState, GitState, WorkflowRunsState {
  token: string;
  owner: string;
  repo: string;
  /** GitHub's numeric ids (the immutable OIDC subject names them). */
  ownerId?: number;
  repositoryId?: number;
  ownerType: 'User' | 'Organization';
  private: boolean;
  admin: boolean;
  plan: string;
  /** Classic token scopes (X-OAuth-Scopes); undefined for a fine-grained token. */
  scopes?: string[];
  users: Record<string, number>;
  teams: Record<string, number>;
  environments: Record<string, FakeEnvironment>;
  /** The repository's OIDC subject template (GET .../actions/oidc/customization/sub). */
  oidcSubjectTemplate?: {
    use_default: boolean;
    include_claim_keys?: string[];
    /** GitHub's statement of the subject prefix; left out unless a test sets it. */
    sub_claim_prefix?: string;
    use_immutable_subject?: boolean;
  };
  /** Deployment reviews per workflow run id. */
  runs?: Record<string, FakeApproval[]>;
  rulesets?: FakeRuleset[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeGitHub {
  url: string;
  state: FakeGitHubState;
  requests: RecordedRequest[];
  writes(): RecordedRequest[];
  /** Requests and answers that do not match GitHub's REST description, so far. */
  failures: string[];
  /** Returns the recorded mismatches and forgets them (for tests that send a bad request on purpose). */
  takeFailures(): string[];
  /** Throws, listing each mismatch, when any request or answer did not match the description. */
  assertValid(): void;
  /** Stops the server, then throws like assertValid(). */
  stop(): Promise<void>;
}

export const DEFAULT_OWNER_ID = 1000001;
export const DEFAULT_REPOSITORY_ID = 2000002;

export function defaultGitHubState(overrides: Partial<FakeGitHubState> = {}): FakeGitHubState {
  return {
    token: 'ghp_test_token',
    owner: 'example',
    repo: 'pipelines',
    ownerId: DEFAULT_OWNER_ID,
    repositoryId: DEFAULT_REPOSITORY_ID,
    ownerType: 'Organization',
    private: false,
    admin: true,
    plan: 'team',
    users: { alice: 101, bob: 102 },
    teams: { 'example/ops': 201 },
    environments: {},
    oidcSubjectTemplate: { use_default: true },
    runs: {},
    rulesets: [],
    ...overrides,
  };
}

const STAMP = '2026-01-01T00:00:00Z';
const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' };
const RULESETS_UNAVAILABLE = {
  message: 'Upgrade to GitHub Pro or make this repository public to enable this feature.',
  documentation_url: 'https://docs.github.com/rest/repos/rules',
};

/** A user as GitHub's simple-user schema has it. */
export function simpleUser(login: string, id: number, type = 'User'): Record<string, unknown> {
  // A bot's login has brackets (github-actions[bot]), which GitHub escapes in its URLs.
  const url = `https://api.github.com/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

type Send = (status: number, data?: unknown, headers?: Record<string, string>) => void;

/** A request under `/repos/{owner}/{repo}` (the rest of the path in `inRepo`). */
export interface RepoRequest {
  method: string;
  inRepo: string;
  query: URLSearchParams;
  body: unknown;
}
/** One area of the repository API; answers and returns true, or returns false when not its path. */
export type RepoRoute = (request: RepoRequest, send: Send) => boolean;

export async function startFakeGitHub(
  state: FakeGitHubState = defaultGitHubState(),
): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const failures: string[] = [];
  const api = gitHubApi();
  // Above every id of a history the caller brought (a rehearsal's earlier deployments), so that
  // new records are newer, as GitHub's ids are.
  let nextId = Math.max(
    1000,
    ...(state.deployments ?? [])
      .flatMap((d) => [d.id, ...d.statuses.map((s) => s.id)])
      .map((id) => id + 1),
  );

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        failures.push(`${method} ${url.pathname}: the body is not JSON`);
        body = raw;
      }
      requests.push({ method, path: url.pathname, body });
      let operation: Operation | undefined;
      const send: Send = (status, data, headers = {}) => {
        if (operation) failures.push(...api.checkResponse(operation, status, data));
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(data === undefined ? '' : JSON.stringify(data));
      };

      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${state.token}` && auth !== `Bearer ${state.token}`) {
        send(401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
        });
        return;
      }
      const check = api.checkRequest({ method, path: url.pathname, body });
      failures.push(...check.problems);
      operation = check.operation;
      if (check.refusal) {
        send(check.refusal.status, {
          message: check.refusal.message,
          documentation_url: 'https://docs.github.com/rest',
          status: String(check.refusal.status),
        });
        return;
      }
      try {
        route(method, url.pathname, url.searchParams, body, send);
      } catch (error) {
        // A fault in the stand-in itself: fail the test rather than hang the client.
        failures.push(`${method} ${url.pathname}: the stand-in failed: ${String(error)}`);
        operation = undefined;
        if (!res.headersSent) send(500, { message: 'Server Error' });
      }
    });
  });

  const userOf = (login: string) =>
    simpleUser(login, state.users[login] ?? 41898282, login.endsWith('[bot]') ? 'Bot' : 'User');
  // The areas kept in modules of their own.
  const repoRoutes: RepoRoute[] = [
    ({ method, inRepo, query, body }, send) =>
      handleDeployments(
        {
          state,
          nextId: () => nextId++,
          user: userOf,
          now: () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
        method,
        inRepo,
        query,
        body,
        send,
      ),
    ({ method, inRepo, query }, send) =>
      handleGit({ state, user: userOf }, method, inRepo, query, send),
    ({ method, inRepo }, send) => handleWorkflowRuns(state, method, inRepo, send),
  ];

  function route(method: string, p: string, query: URLSearchParams, body: unknown, send: Send) {
    const notFound = () => send(404, NOT_FOUND);
    const repoPrefix = `/repos/${state.owner}/${state.repo}`.toLowerCase();
    // GitHub routes owner and repository names case-insensitively.
    const inRepo = p.toLowerCase().startsWith(repoPrefix) ? p.slice(repoPrefix.length) : undefined;
    const scopeHeader: Record<string, string> = state.scopes
      ? { 'x-oauth-scopes': state.scopes.join(', ') }
      : {};
    let m: RegExpExecArray | null;

    if (inRepo === '' && method === 'GET') return send(200, repositoryBody(), scopeHeader);
    if (inRepo === '/actions/oidc/customization/sub' && method === 'GET')
      return send(200, oidcTemplateBody());
    if (inRepo !== undefined && (m = /^\/actions\/runs\/(\d+)\/approvals$/.exec(inRepo)))
      return send(200, (state.runs?.[m[1]!] ?? []).map(approvalBody));
    if (inRepo !== undefined) {
      for (const repoRoute of repoRoutes)
        if (repoRoute({ method, inRepo, query, body }, send)) return;
    }
    if (inRepo !== undefined && inRepo.startsWith('/rulesets'))
      return handleRulesets(inRepo, method, body, send);
    if (inRepo !== undefined && (m = /^\/environments\/([^/]+)(\/.*)?$/.exec(inRepo))) {
      const name = decodeURIComponent(m[1]!);
      return handleEnvironment(name, m[2] ?? '', method, body, send, notFound);
    }
    if (method === 'GET' && p === `/orgs/${state.owner}` && state.ownerType === 'Organization') {
      const org = gitHubExample('organization-full');
      return send(200, {
        ...org,
        archived_at: null,
        login: state.owner,
        id: state.ownerId,
        plan: { ...(org.plan as object), name: state.plan },
      });
    }
    if (method === 'GET' && p === '/user') {
      const login = state.ownerType === 'User' ? state.owner : 'someone';
      const user = gitHubExample('private-user');
      return send(200, {
        ...user,
        login,
        id: state.ownerId,
        plan: { ...(user.plan as object), name: state.plan },
      });
    }
    if (method === 'GET' && (m = /^\/users\/([^/]+)$/.exec(p))) {
      const id = state.users[m[1]!];
      if (id === undefined) return notFound();
      return send(200, {
        ...gitHubExample<Record<string, unknown>>('public-user-default-response'),
        ...simpleUser(m[1]!, id),
      });
    }
    if (method === 'GET' && (m = /^\/orgs\/([^/]+)\/teams\/([^/]+)$/.exec(p))) {
      const id = state.teams[`${m[1]}/${m[2]}`];
      if (id === undefined) return notFound();
      return send(200, { ...teamBody(id), slug: m[2] });
    }
    notFound();
  }

  // The description's own examples predate some fields it now requires; those are added here.
  function teamBody(id: number) {
    const team = gitHubExample('team-full');
    return {
      ...team,
      id,
      type: 'organization',
      organization: { ...(team.organization as object), archived_at: null },
    };
  }

  function repositoryBody() {
    const repository = gitHubExample('full-repository');
    return {
      ...repository,
      has_discussions: false,
      id: state.repositoryId ?? DEFAULT_REPOSITORY_ID,
      name: state.repo,
      full_name: `${state.owner}/${state.repo}`,
      private: state.private,
      visibility: state.private ? 'private' : 'public',
      owner: simpleUser(state.owner, state.ownerId ?? DEFAULT_OWNER_ID, state.ownerType),
      permissions: {
        admin: state.admin,
        maintain: state.admin,
        push: true,
        triage: true,
        pull: true,
      },
    };
  }

  function oidcTemplateBody() {
    const { include_claim_keys, ...template } = state.oidcSubjectTemplate ?? { use_default: true };
    return template.use_default
      ? template
      : { ...template, include_claim_keys: include_claim_keys ?? [] };
  }

  function approvalBody(approval: FakeApproval) {
    return {
      state: approval.state,
      comment: approval.comment ?? '',
      user: simpleUser(approval.user, state.users[approval.user] ?? 999),
      environments: approval.environments.map((name, i) => ({
        id: i + 1,
        node_id: `EN_${i + 1}`,
        name,
        url: `https://api.github.com/repos/${state.owner}/${state.repo}/environments/${name}`,
        html_url: `https://github.com/${state.owner}/${state.repo}/deployments/activity_log?environments_filter=${name}`,
        created_at: STAMP,
        updated_at: STAMP,
      })),
    };
  }

  function handleRulesets(rest: string, method: string, body: unknown, send: Send) {
    if (state.private && state.plan.toLowerCase() === 'free')
      return send(403, RULESETS_UNAVAILABLE);
    const rulesets = (state.rulesets ??= []);
    const written = (id: number): FakeRuleset => {
      const b = (body ?? {}) as Partial<FakeRuleset> & {
        name: string;
        enforcement: FakeRuleset['enforcement'];
      };
      return {
        id,
        name: b.name,
        target: b.target ?? 'branch',
        enforcement: b.enforcement,
        bypass_actors: b.bypass_actors ?? [],
        conditions: b.conditions ?? null,
        rules: b.rules ?? [],
      };
    };
    if (rest === '/rulesets' && method === 'GET') return send(200, rulesets.map(rulesetBody));
    if (rest === '/rulesets' && method === 'POST') {
      const ruleset = written(nextId++);
      rulesets.push(ruleset);
      return send(201, rulesetBody(ruleset));
    }
    const m = /^\/rulesets\/(\d+)$/.exec(rest);
    const index = m ? rulesets.findIndex((r) => r.id === Number(m[1])) : -1;
    if (index < 0) return send(404, NOT_FOUND);
    if (method === 'GET') return send(200, rulesetBody(rulesets[index]!));
    if (method === 'PUT') {
      rulesets[index] = { ...rulesets[index]!, ...written(rulesets[index]!.id) };
      return send(200, rulesetBody(rulesets[index]!));
    }
    send(404, NOT_FOUND);
  }

  function rulesetBody(ruleset: FakeRuleset) {
    return {
      ...ruleset,
      source_type: 'Repository',
      source: `${state.owner}/${state.repo}`,
      node_id: `RRS_${ruleset.id}`,
      current_user_can_bypass: 'never',
      created_at: STAMP,
      updated_at: STAMP,
    };
  }

  function handleEnvironment(
    name: string,
    rest: string,
    method: string,
    body: unknown,
    send: Send,
    notFound: () => void,
  ) {
    const env = state.environments[name];
    const b = (body ?? {}) as Record<string, unknown>;
    if (rest === '' && method === 'PUT') {
      const reviewers = (b.reviewers as FakeEnvironment['reviewers'] | undefined) ?? [];
      if (reviewers.length > 0 && state.private && state.plan !== 'enterprise') {
        send(422, {
          message:
            'Failed to create the environment protection rule: required reviewers are not available for private repositories on this plan.',
        });
        return;
      }
      const policy = b.deployment_branch_policy as
        { protected_branches?: boolean; custom_branch_policies?: boolean } | null | undefined;
      // The description: exactly one of protected_branches and custom_branch_policies is true.
      if (policy && policy.protected_branches === policy.custom_branch_policies) {
        send(422, {
          message:
            'Invalid deployment_branch_policy: exactly one of protected_branches and custom_branch_policies must be true.',
        });
        return;
      }
      state.environments[name] = {
        reviewers,
        preventSelfReview: b.prevent_self_review === true,
        customPolicies: policy?.custom_branch_policies === true,
        policies: env?.policies ?? [],
        variables: env?.variables ?? {},
        canAdminsBypass:
          typeof b.can_admins_bypass === 'boolean'
            ? b.can_admins_bypass
            : (env?.canAdminsBypass ?? true),
      };
      send(200, environmentBody(name, state.environments[name]!));
      return;
    }
    if (!env) return notFound();
    if (rest === '' && method === 'GET') return send(200, environmentBody(name, env));
    if (rest === '/deployment-branch-policies' && method === 'GET') {
      return send(200, {
        total_count: env.policies.length,
        branch_policies: env.policies.map((x) => ({ ...x, node_id: `P${x.id}` })),
      });
    }
    if (rest === '/deployment-branch-policies' && method === 'POST') {
      if (!env.customPolicies) return notFound();
      // The description: 303 when the same name pattern exists already.
      if (env.policies.some((p) => p.name === String(b.name) && p.type === (b.type ?? 'branch')))
        return send(303);
      const policy = {
        id: nextId++,
        name: String(b.name),
        type: b.type === 'tag' ? ('tag' as const) : ('branch' as const),
      };
      env.policies.push(policy);
      return send(200, { ...policy, node_id: `P${policy.id}` });
    }
    let m = /^\/deployment-branch-policies\/(\d+)$/.exec(rest);
    if (m && method === 'DELETE') {
      env.policies = env.policies.filter((x) => x.id !== Number(m![1]));
      return send(204);
    }
    if (rest === '/variables' && method === 'GET') {
      const variables = Object.entries(env.variables).map(([n, value]) => ({
        name: n,
        value,
        created_at: STAMP,
        updated_at: STAMP,
      }));
      return send(200, { total_count: variables.length, variables });
    }
    if (rest === '/variables' && method === 'POST') {
      if (String(b.name) in env.variables) return send(409, { message: 'Already exists' });
      env.variables[String(b.name)] = String(b.value);
      return send(201, {});
    }
    m = /^\/variables\/([^/]+)$/.exec(rest);
    if (m && method === 'PATCH') {
      if (!(m[1]! in env.variables)) return notFound();
      env.variables[m[1]!] = String(b.value);
      return send(204);
    }
    notFound();
  }

  function environmentBody(name: string, env: FakeEnvironment) {
    const rules: unknown[] = [];
    if (env.reviewers.length > 0) {
      rules.push({
        id: 1,
        node_id: 'GA_1',
        type: 'required_reviewers',
        prevent_self_review: env.preventSelfReview,
        reviewers: env.reviewers.map((r) => ({
          type: r.type,
          reviewer: r.type === 'User' ? simpleUser(loginOf(r.id), r.id) : teamBody(r.id),
        })),
      });
    }
    if (env.customPolicies) rules.push({ id: 2, node_id: 'GA_2', type: 'branch_policy' });
    return {
      id: 1,
      node_id: `EN_${name}`,
      name,
      url: `https://api.github.com/repos/${state.owner}/${state.repo}/environments/${name}`,
      html_url: `https://github.com/${state.owner}/${state.repo}/deployments/activity_log?environments_filter=${name}`,
      created_at: STAMP,
      updated_at: STAMP,
      can_admins_bypass: env.canAdminsBypass ?? true,
      protection_rules: rules,
      deployment_branch_policy: env.customPolicies
        ? { protected_branches: false, custom_branch_policies: true }
        : null,
    };
  }

  function loginOf(id: number): string {
    return Object.entries(state.users).find(([, userId]) => userId === id)?.[0] ?? `user${id}`;
  }

  const assertValid = () => {
    if (failures.length === 0) return;
    throw new Error(
      `The GitHub stand-in saw ${failures.length} request(s) or answer(s) that GitHub's REST description does not allow:\n${failures.map((f) => `  - ${f}`).join('\n')}`,
    );
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    failures,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    takeFailures: () => failures.splice(0, failures.length),
    assertValid,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      assertValid();
    },
  };
}
