import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gitHubClient, gitHubStatusOf } from './github';

/** A throwaway server answering from a script of responses: what the retry policy sees. */
async function scriptedServer(answers: { status: number; body: unknown }[]) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const answer = answers.shift() ?? { status: 500, body: { message: 'no more answers' } };
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => server.close() };
}

describe('the GitHub client', () => {
  it('retries a server error and returns the answer that follows', async () => {
    const server = await scriptedServer([
      { status: 502, body: { message: 'Bad Gateway' } },
      { status: 200, body: [] },
    ]);
    try {
      const github = gitHubClient('t', { baseUrl: server.url });
      const answer = await github.rest.repos.listDeployments({ owner: 'o', repo: 'r' });
      expect(answer.data).toEqual([]);
      expect(server.seen).toHaveLength(2);
    } finally {
      server.close();
    }
  });

  it('does not retry a client error, and says its status', async () => {
    const server = await scriptedServer([{ status: 404, body: { message: 'Not Found' } }]);
    try {
      const github = gitHubClient('t', { baseUrl: server.url });
      const error = await github.rest.repos
        .getDeployment({ owner: 'o', repo: 'r', deployment_id: 1 })
        .catch((e: unknown) => e);
      expect(gitHubStatusOf(error)).toBe(404);
      expect(server.seen).toHaveLength(1);
    } finally {
      server.close();
    }
  });
});
