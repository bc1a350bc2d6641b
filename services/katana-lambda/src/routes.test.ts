import { normalisePath, route } from './routes';
import type { DeployStatus } from './status';

const status: DeployStatus = {
  service: 'katana-lambda',
  environment: 'mint',
  version: '1.0.0',
  commit: 'abc',
  deployedAt: null,
  functionVersion: '$LATEST',
};
const current = () => status;

test.each([
  ['/', '/'],
  ['', '/'],
  ['/health/', '/health'],
  ['//health', '/health'],
  ['/a//b/', '/a/b'],
])('normalisePath(%j) is %j', (raw, expected) => {
  expect(normalisePath(raw)).toBe(expected);
});

test('GET / answers the deploy status as JSON', () => {
  const response = route('GET', '/', current);
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(JSON.parse(response.body)).toEqual(status);
});

test('GET /health answers ok without computing the status', () => {
  const response = route('get', '/health', () => {
    throw new Error('the health check must not depend on the status');
  });
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
});

test('HEAD answers like GET with an empty body', () => {
  const response = route('HEAD', '/', current);
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.body).toBe('');
});

test.each(['/nope', '/health/deep', '/index.html'])('an unknown path %s is 404 JSON', (path) => {
  const response = route('GET', path, current);
  expect(response.statusCode).toBe(404);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(response.body)).toMatchObject({ error: 'not_found' });
});

test.each(['POST', 'PUT', 'DELETE'])('%s on a known path is 405 with Allow', (method) => {
  const response = route(method, '/', current);
  expect(response.statusCode).toBe(405);
  expect(response.headers.allow).toBe('GET, HEAD');
});
