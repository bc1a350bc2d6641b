import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gitHubClient } from './github';
import { listDeployments, type DeploymentListing } from './githubDeployments';

interface Served {
  id: number;
  environment: string;
  /** Newest first, as GitHub answers them. */
  states: string[];
}

/**
 * The two Deployments API reads, answered from a list (newest first) the way GitHub pages them,
 * with every request seen recorded: what the listing asks for is the behaviour under test.
 * `refuse` answers 403 for the statuses of those deployments.
 */
async function deploymentsServer(deployments: Served[], refuse: number[] = []) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    seen.push(`${url.pathname.replace('/repos/o/r', '')}${url.search}`);
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const statuses = /^\/repos\/o\/r\/deployments\/(\d+)\/statuses$/.exec(url.pathname);
    if (statuses) {
      const id = Number(statuses[1]);
      if (refuse.includes(id)) return answer(403, { message: 'Resource not accessible' });
      const states = deployments.find((d) => d.id === id)?.states ?? [];
      return answer(
        200,
        states.slice(0, perPage).map((state) => ({ state, log_url: `log/${id}` })),
      );
    }
    const environment = url.searchParams.get('environment');
    const listed = deployments.filter((d) => environment === null || d.environment === environment);
    answer(
      200,
      listed
        .slice((page - 1) * perPage, page * perPage)
        .map(({ id, environment }) => ({ id, environment, payload: {} })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => server.close() };
}

const five: Served[] = [5, 4, 3, 2, 1].map((id) => ({
  id,
  environment: id % 2 ? 'staging' : 'prod',
  states: [`newest-of-${id}`, `older-of-${id}`],
}));

/** What a reader of the whole listing gets, and the requests it took. */
async function read(listing: DeploymentListing, stopAfter = Infinity, refuse: number[] = []) {
  const server = await deploymentsServer(five, refuse);
  try {
    const github = gitHubClient('t', { baseUrl: server.url });
    const got: string[] = [];
    for await (const { deployment, statuses } of listDeployments(
      github,
      { owner: 'o', repo: 'r' },
      listing,
    )) {
      got.push(`${deployment.id}:${statuses?.map((s) => s.state).join('+') ?? '-'}`);
      if (got.length >= stopAfter) break;
    }
    return { got, requests: server.seen };
  } finally {
    server.close();
  }
}

describe("listing an environment's deployments with their newest statuses", () => {
  it('lists one environment newest first, each with its newest status, page by page until a short page', async () => {
    const { got, requests } = await read({ environment: 'staging', perPage: 2, maxPages: 10 });
    expect(got).toEqual(['5:newest-of-5', '3:newest-of-3', '1:newest-of-1']);
    expect(requests.filter((r) => !r.includes('/statuses'))).toEqual([
      '/deployments?environment=staging&per_page=2&page=1',
      '/deployments?environment=staging&per_page=2&page=2',
    ]);
  });

  it('lists every environment when none is named, and goes no further back than maxPages', async () => {
    const { got } = await read({ environment: undefined, perPage: 2, maxPages: 2, statuses: 0 });
    expect(got).toEqual(['5:-', '4:-', '3:-', '2:-']);
  });

  it('reads as many statuses as asked, and only for the deployments statusesOf accepts', async () => {
    const { got, requests } = await read({
      environment: undefined,
      statuses: 100,
      statusesOf: (d) => d.environment === 'prod',
    });
    expect(got).toEqual([
      '5:-',
      '4:newest-of-4+older-of-4',
      '3:-',
      '2:newest-of-2+older-of-2',
      '1:-',
    ]);
    expect(requests.filter((r) => r.includes('/statuses'))).toEqual([
      '/deployments/4/statuses?per_page=100',
      '/deployments/2/statuses?per_page=100',
    ]);
  });

  it('makes no further request once the reader stops', async () => {
    const { got, requests } = await read({ environment: undefined, perPage: 2, maxPages: 10 }, 1);
    expect(got).toEqual(['5:newest-of-5']);
    expect(requests).toEqual([
      '/deployments?per_page=2&page=1',
      '/deployments/5/statuses?per_page=1',
    ]);
  });

  it("throws GitHub's error as it is, or what the reader makes of it, naming the read", async () => {
    await expect(read({ environment: 'prod' }, Infinity, [2])).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      read(
        { environment: 'prod', failure: (what) => new Error(`Could not ${what}`) },
        Infinity,
        [2],
      ),
    ).rejects.toThrow('Could not read the statuses of deployment 2');
  });
});
