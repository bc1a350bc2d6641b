import { describeCalls, longestGap, operationOf } from './lambda';

describe('counting Lambda API calls from recorded requests', () => {
  it.each([
    ['GET', '/2015-03-31/functions/mint-KatanaLambda/configuration', 'GetFunctionConfiguration'],
    [
      'GET',
      '/2015-03-31/functions/mint-KatanaLambda/configuration?Qualifier=live',
      'GetFunctionConfiguration',
    ],
    ['GET', '/2015-03-31/functions/mint-KatanaLambda', 'GetFunction'],
    ['PUT', '/2015-03-31/functions/mint-KatanaLambda/code', 'UpdateFunctionCode'],
    ['POST', '/2015-03-31/functions/mint-KatanaLambda/versions', 'PublishVersion'],
    ['PUT', '/2015-03-31/functions/mint-KatanaLambda/aliases/live', 'UpdateAlias'],
    ['HEAD', '/bench-packages/mint/katana-lambda.zip?versionId=1', 'S3 HeadObject'],
  ])('names %s %s as %s', (method, path, operation) => {
    expect(operationOf({ method, path })).toBe(operation);
  });

  it('groups repeated operations in call order and finds the longest pause between calls', () => {
    const calls = [
      { method: 'GET', path: '/2015-03-31/functions/f/configuration', at: 0 },
      { method: 'PUT', path: '/2015-03-31/functions/f/code', at: 10 },
      { method: 'GET', path: '/2015-03-31/functions/f/configuration', at: 1010 },
    ];
    expect(describeCalls(calls)).toBe('2× GetFunctionConfiguration, UpdateFunctionCode');
    expect(longestGap(calls)).toBe(1000);
    expect(longestGap(calls.slice(0, 1))).toBe(0);
  });
});
