import { deployedAtOf, deployStatus, environmentOf } from './status';

describe('environmentOf', () => {
  test.each([
    [{ DEPLOY_ENVIRONMENT: 'staging', AWS_LAMBDA_FUNCTION_NAME: 'mint-KatanaLambda' }, 'staging'],
    [{ AWS_LAMBDA_FUNCTION_NAME: 'mint-KatanaLambda' }, 'mint'],
    [{ AWS_LAMBDA_FUNCTION_NAME: 'int-blue-KatanaLambda' }, 'int-blue'],
    [{ AWS_LAMBDA_FUNCTION_NAME: '-KatanaLambda' }, 'unknown'],
    [{ AWS_LAMBDA_FUNCTION_NAME: 'SomethingElse' }, 'unknown'],
    [{ DEPLOY_ENVIRONMENT: '  ' }, 'unknown'],
    [{}, 'unknown'],
  ])('reads %j as %s', (env, expected) => {
    expect(environmentOf(env)).toBe(expected);
  });
});

describe('deployedAtOf', () => {
  test('normalises a date to ISO 8601 UTC', () => {
    expect(deployedAtOf('2026-11-28T10:00:00+01:00')).toBe('2026-11-28T09:00:00.000Z');
  });
  test.each([undefined, '', 'yesterday'])('reports %j as null', (value) => {
    expect(deployedAtOf(value)).toBeNull();
  });
});

test('deployStatus combines build facts with the function environment', () => {
  expect(
    deployStatus(
      { version: '1.2.3', commit: 'abc123' },
      {
        AWS_LAMBDA_FUNCTION_NAME: 'prod-KatanaLambda',
        AWS_LAMBDA_FUNCTION_VERSION: '7',
        DEPLOYED_AT: '2026-11-28T09:00:00Z',
      },
    ),
  ).toEqual({
    service: 'katana-lambda',
    environment: 'prod',
    version: '1.2.3',
    commit: 'abc123',
    deployedAt: '2026-11-28T09:00:00.000Z',
    functionVersion: '7',
  });
});
