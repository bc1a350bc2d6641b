import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { buildInfo, handler } from './handler';

/** A function URL event (payload format 2.0) with only the fields the handler reads. */
function urlEvent(method: string, rawPath: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc',
      domainName: 'abc.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'jest',
      },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '28/Nov/2026:09:00:00 +0000',
      timeEpoch: 0,
    },
  };
}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

test('outside a webpack build the build info says dev/unknown', () => {
  expect(buildInfo()).toEqual({ version: 'dev', commit: 'unknown' });
});

test('GET / reports the environment from the function name and the deploy time', async () => {
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'qa-KatanaLambda';
  process.env.DEPLOYED_AT = '2026-11-28T09:00:00Z';
  const response = await handler(urlEvent('GET', '/'));
  expect(response.statusCode).toBe(200);
  expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
  expect(JSON.parse(String(response.body))).toMatchObject({
    environment: 'qa',
    deployedAt: '2026-11-28T09:00:00.000Z',
  });
});

test('an unknown path answers 404', async () => {
  const response = await handler(urlEvent('GET', '/admin'));
  expect(response.statusCode).toBe(404);
});
