/**
 * A stand-in for the part of GitHub's REST API that the bootstrap and the prod guard use
 * (repository, users, teams, environments, deployment branch policies, environment variables).
 * GitHub cannot be reached from here, so this server reproduces the request and response shapes
 * of the documented endpoints, with in-memory state, and records every request for assertions.
 * It is a mock of GitHub, used only where no real GitHub can be.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEnvironment {
  reviewers: { type: 'User' | 'Team'; id: number }[];
  preventSelfReview: boolean;
  customPolicies: boolean;
  policies: { id: number; name: string; type: 'branch' | 'tag' }[];
  variables: Record<string, string>;
}

export interface FakeGitHubState {
  token: string;
  owner: string;
  repo: string;
  ownerType: 'User' | 'Organization';
  private: boolean;
  admin: boolean;
  plan: string;
  /** Classic token scopes (X-OAuth-Scopes); undefined for a fine-grained token. */
  scopes?: string[];
  users: Record<string, number>;
  teams: Record<string, number>;
  environments: Record<string, FakeEnvironment>;
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
  stop(): Promise<void>;
}

export function defaultGitHubState(overrides: Partial<FakeGitHubState> = {}): FakeGitHubState {
  return {
    token: 'ghp_test_token',
    owner: 'example',
    repo: 'pipelines',
    ownerType: 'Organization',
    private: false,
    admin: true,
    plan: 'team',
    users: { alice: 101, bob: 102 },
    teams: { 'example/ops': 201 },
    environments: {},
    ...overrides,
  };
}

export async function startFakeGitHub(
  state: FakeGitHubState = defaultGitHubState(),
): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  let nextId = 1000;

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body: unknown = raw ? JSON.parse(raw) : undefined;
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname, body });
      const send = (status: number, data?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(data === undefined ? '' : JSON.stringify(data));
      };
      const notFound = () =>
        send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });

      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${state.token}` && auth !== `Bearer ${state.token}`) {
        send(401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
        });
        return;
      }
      const scopeHeader: Record<string, string> = state.scopes
        ? { 'x-oauth-scopes': state.scopes.join(', ') }
        : {};
      const repoPath = `/repos/${state.owner}/${state.repo}`;
      const p = url.pathname;
      let m: RegExpExecArray | null;

      if (method === 'GET' && p === repoPath) {
        send(
          200,
          {
            name: state.repo,
            full_name: `${state.owner}/${state.repo}`,
            private: state.private,
            owner: { login: state.owner, type: state.ownerType },
            permissions: { admin: state.admin, push: true, pull: true },
          },
          scopeHeader,
        );
      } else if (
        method === 'GET' &&
        p === `/orgs/${state.owner}` &&
        state.ownerType === 'Organization'
      ) {
        send(200, { login: state.owner, plan: { name: state.plan } });
      } else if (method === 'GET' && p === '/user') {
        send(200, {
          login: state.ownerType === 'User' ? state.owner : 'someone',
          plan: { name: state.plan },
        });
      } else if (method === 'GET' && (m = /^\/users\/([^/]+)$/.exec(p))) {
        const id = state.users[m[1]!];
        if (id === undefined) notFound();
        else send(200, { login: m[1], id, type: 'User' });
      } else if (method === 'GET' && (m = /^\/orgs\/([^/]+)\/teams\/([^/]+)$/.exec(p))) {
        const id = state.teams[`${m[1]}/${m[2]}`];
        if (id === undefined) notFound();
        else send(200, { slug: m[2], id });
      } else if ((m = new RegExp(`^${repoPath}/environments/([^/]+)(/.*)?$`).exec(p))) {
        const name = decodeURIComponent(m[1]!);
        const rest = m[2] ?? '';
        const env = state.environments[name];
        handleEnvironment(name, env, rest, method, body, send, notFound);
      } else {
        notFound();
      }
    });
  });

  function handleEnvironment(
    name: string,
    env: FakeEnvironment | undefined,
    rest: string,
    method: string,
    body: unknown,
    send: (status: number, data?: unknown) => void,
    notFound: () => void,
  ) {
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
        { custom_branch_policies?: boolean } | null | undefined;
      state.environments[name] = {
        reviewers,
        preventSelfReview: b.prevent_self_review === true,
        customPolicies: policy?.custom_branch_policies === true,
        policies: env?.policies ?? [],
        variables: env?.variables ?? {},
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
      if (!env.customPolicies) return send(404, { message: 'Not Found' });
      const policy = {
        id: nextId++,
        name: String(b.name),
        type: b.type === 'tag' ? ('tag' as const) : ('branch' as const),
      };
      env.policies.push(policy);
      return send(200, policy);
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
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
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
        type: 'required_reviewers',
        prevent_self_review: env.preventSelfReview,
        reviewers: env.reviewers.map((r) => ({ type: r.type, reviewer: { id: r.id } })),
      });
    }
    if (env.customPolicies) rules.push({ id: 2, type: 'branch_policy' });
    return {
      id: 1,
      name,
      protection_rules: rules,
      deployment_branch_policy: env.customPolicies
        ? { protected_branches: false, custom_branch_policies: true }
        : null,
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
