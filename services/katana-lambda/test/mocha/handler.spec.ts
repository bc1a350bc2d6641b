// Mocha suite (the notes' test-mocha job): the handler as Lambda calls it, through function URL
// events, checked with node:assert. Run by `pnpm run test:mocha` (tsx compiles the TypeScript).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler } from '../../src/handler';

function urlEvent(method: string, rawPath: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { host: 'abc.lambda-url.us-east-1.on.aws' },
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
        userAgent: 'mocha',
      },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '28/Nov/2026:09:00:00 +0000',
      timeEpoch: 0,
    },
  };
}

describe('katana-lambda handler (function URL)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reports the configured environment, version and commit on GET /', async () => {
    process.env.DEPLOY_ENVIRONMENT = 'staging';
    process.env.AWS_LAMBDA_FUNCTION_VERSION = '12';
    const response = await handler(urlEvent('GET', '/'));
    assert.equal(response.statusCode, 200);
    const body = JSON.parse(String(response.body));
    assert.equal(body.environment, 'staging');
    assert.equal(body.functionVersion, '12');
    assert.equal(typeof body.version, 'string');
    assert.equal(typeof body.commit, 'string');
    assert.equal(body.deployedAt, null);
  });

  it('answers the health check with ok', async () => {
    const response = await handler(urlEvent('GET', '/health'));
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(String(response.body)), { status: 'ok' });
  });

  it('answers JSON 404 for anything else', async () => {
    const response = await handler(urlEvent('GET', '/wp-admin'));
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers?.['content-type']), /^application\/json/);
  });

  it('refuses writes with 405', async () => {
    const response = await handler(urlEvent('POST', '/health'));
    assert.equal(response.statusCode, 405);
    assert.equal(response.headers?.allow, 'GET, HEAD');
  });
});
