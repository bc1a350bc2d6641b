/**
 * newer-deploy-guard.sh, run for real (bash, curl, jq) against a local stand-in of GitHub's two
 * deployment endpoints (list deployments of an environment, list a deployment's statuses). GitHub
 * cannot be reached from a test; the stand-in answers with the documented response shapes and
 * records the requests, so this is a mock of GitHub, used only for that reason.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runScriptAsync } from './scripts';

interface Deployment {
  id: number;
  /** Newest status first, as GitHub lists them. */
  statuses: { state: string; log_url?: string; target_url?: string }[];
}

const runUrl = (run: number) => `https://github.com/example/pipelines/actions/runs/${run}/job/9`;

async function withGitHub<T>(
  deployments: Deployment[],
  test: (url: string, requests: string[]) => Promise<T>,
): Promise<T> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer test-token')
      return send(401, { message: 'Bad credentials' });
    if (url.pathname === '/repos/example/pipelines/deployments') {
      return send(
        200,
        deployments.map((d) => ({ id: d.id, environment: url.searchParams.get('environment') })),
      );
    }
    const m = /^\/repos\/example\/pipelines\/deployments\/(\d+)\/statuses$/.exec(url.pathname);
    const found = m && deployments.find((d) => d.id === Number(m[1]));
    if (found)
      return send(200, found.statuses.slice(0, Number(url.searchParams.get('per_page') ?? 30)));
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await test(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const guard = (url: string, runId: number, environment = 'prod') =>
  runScriptAsync('newer-deploy-guard.sh', {
    ENVIRONMENT: environment,
    GH_TOKEN: 'test-token',
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: 'example/pipelines',
    GITHUB_RUN_ID: String(runId),
  });

describe('the newer-deploy guard', () => {
  test('lets a run deploy when only older runs deployed, and its own deployment is in progress', async () => {
    const result = await withGitHub(
      [
        { id: 3, statuses: [{ state: 'in_progress', log_url: runUrl(500) }] },
        { id: 2, statuses: [{ state: 'success', log_url: runUrl(480) }] },
        { id: 1, statuses: [{ state: 'inactive', target_url: runUrl(400) }] },
      ],
      (url) => guard(url, 500),
    );
    expect(result.log).toContain('no newer run has deployed prod');
    expect(result.status).toBe(0);
  });

  test.each(['success', 'inactive', 'in_progress', 'queued'])(
    'stops an older run when a newer run’s deployment is %s',
    async (state) => {
      const result = await withGitHub(
        [{ id: 7, statuses: [{ state, log_url: runUrl(620) }] }],
        (url) => guard(url, 600),
      );
      expect(result.status).toBe(1);
      expect(result.log).toContain(
        `::error::Run 620 is newer than this run and its deployment 7 of prod is ${state}`,
      );
    },
  );

  test.each(['waiting', 'failure', 'error', 'pending'])(
    'does not count a newer run’s deployment that is %s (it did not replace anything)',
    async (state) => {
      const result = await withGitHub(
        [{ id: 7, statuses: [{ state, log_url: runUrl(620) }] }],
        (url) => guard(url, 600),
      );
      expect(result.status).toBe(0);
    },
  );

  test('reads only the newest status of each deployment, for the environment asked', async () => {
    const requests = await withGitHub(
      [
        {
          id: 7,
          statuses: [
            { state: 'failure', log_url: runUrl(620) },
            { state: 'in_progress', log_url: runUrl(620) },
          ],
        },
      ],
      async (url, seen) => {
        expect((await guard(url, 600, 'int-a_b')).status).toBe(0);
        return seen;
      },
    );
    expect(requests).toEqual([
      '/repos/example/pipelines/deployments?environment=int-a_b&per_page=30',
      '/repos/example/pipelines/deployments/7/statuses?per_page=1',
    ]);
  });

  test.each([
    ['an object instead of a list', { message: 'Moved' }],
    ['a deployment without a numeric id', [{ id: 'x' }]],
  ])('fails closed when GitHub answers %s', async (_name, body) => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await guard(url, 600);
      expect(result.status).toBe(1);
      expect(result.log).toContain('::error::Could not check the deployments of prod');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('fails closed, naming the permission, when GitHub refuses the token', async () => {
    const result = await withGitHub([], (url) =>
      runScriptAsync('newer-deploy-guard.sh', {
        ENVIRONMENT: 'prod',
        GH_TOKEN: 'wrong',
        GITHUB_API_URL: url,
        GITHUB_REPOSITORY: 'example/pipelines',
        GITHUB_RUN_ID: '1',
      }),
    );
    expect(result.status).toBe(1);
    expect(result.log).toContain("Give the job 'deployments: read'");
  });
});
