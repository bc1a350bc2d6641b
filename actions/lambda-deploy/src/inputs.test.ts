import { InputError } from '@pipelines/action-kit';
import { getInputs } from './inputs';

const SHA = 'D813198709B0E40F4A9056B7DCF2FB25227560593393EAB17D4002149E9A00F0';
const s3 = {
  'INPUT_FUNCTION-NAME': 'mint-KatanaLambda',
  'INPUT_S3-BUCKET': 'artifacts-lower',
  'INPUT_S3-KEY': 'mint/katana-lambda.zip',
  'INPUT_S3-OBJECT-VERSION': 'v123',
  'INPUT_EXPECTED-SHA256': SHA,
  AWS_REGION: 'us-east-1',
};

describe('getInputs', () => {
  it('reads an S3 deploy with its defaults (publish, 300 s timeout) and a lowercased sha256', () => {
    expect(getInputs(s3)).toEqual({
      functionName: 'mint-KatanaLambda',
      source: {
        kind: 's3',
        bucket: 'artifacts-lower',
        key: 'mint/katana-lambda.zip',
        version: 'v123',
      },
      expectedSha256: SHA.toLowerCase(),
      publish: true,
      alias: undefined,
      region: 'us-east-1',
      timeoutSeconds: 300,
    });
  });

  it('reads a zip deploy, where expected-sha256 may be left out', () => {
    expect(
      getInputs({
        'INPUT_FUNCTION-NAME': 'f',
        'INPUT_ZIP-FILE': 'fn.zip',
        INPUT_ALIAS: 'live',
        AWS_REGION: 'us-east-1',
      }),
    ).toMatchObject({
      source: { kind: 'zip', file: 'fn.zip' },
      expectedSha256: undefined,
      alias: 'live',
    });
  });

  it.each([
    [
      'no object version (never "latest")',
      { 'INPUT_S3-OBJECT-VERSION': '' },
      's3-object-version',
      'never the latest',
    ],
    ['no bucket', { 'INPUT_S3-BUCKET': '' }, 's3-bucket', 'is required'],
    [
      'no expected sha256 for S3',
      { 'INPUT_EXPECTED-SHA256': '' },
      'expected-sha256',
      'is required',
    ],
    ['a bad sha256', { 'INPUT_EXPECTED-SHA256': 'abc' }, 'expected-sha256', '64 hex'],
    ['both sources', { 'INPUT_ZIP-FILE': 'x.zip' }, 'zip-file', 'one source'],
    [
      'an alias without publishing',
      { INPUT_ALIAS: 'live', INPUT_PUBLISH: 'false' },
      'alias',
      'publish: true',
    ],
    ['a numeric alias', { INPUT_ALIAS: '7' }, 'alias', 'all digits'],
    ['a qualified function', { 'INPUT_FUNCTION-NAME': 'f:live' }, 'function-name', 'not valid'],
    ['a bad timeout', { 'INPUT_TIMEOUT-SECONDS': '5' }, 'timeout-seconds', 'at least 10'],
    ['a bad publish', { INPUT_PUBLISH: 'yes' }, 'publish', 'true or false'],
  ])('refuses %s, naming the input', (_label, override, name, said) => {
    const error = (() => {
      try {
        getInputs({ ...s3, ...override });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(name);
    expect((error as Error).message).toContain(said);
  });

  describe('a roll-back to a published version', () => {
    const rollBack = {
      'INPUT_FUNCTION-NAME': 'prod-KatanaLambda',
      INPUT_VERSION: '7',
      INPUT_ALIAS: 'live',
      'INPUT_EXPECTED-SHA256': SHA,
      AWS_REGION: 'us-east-1',
    };

    it('reads version, alias and expected-sha256', () => {
      expect(getInputs(rollBack)).toMatchObject({
        source: { kind: 'version', version: '7' },
        alias: 'live',
        expectedSha256: SHA.toLowerCase(),
      });
    });

    it.each([
      ['with an S3 object too', { 'INPUT_S3-BUCKET': 'b' }, 'version', 'together with'],
      ['without an alias', { INPUT_ALIAS: '' }, 'version', 'needs alias'],
      ['without expected-sha256', { 'INPUT_EXPECTED-SHA256': '' }, 'expected-sha256', 'required'],
      ['with $LATEST', { INPUT_VERSION: '$LATEST' }, 'version', 'published version number'],
    ])('refuses it %s, naming the input', (_label, override, name, said) => {
      const error = (() => {
        try {
          getInputs({ ...rollBack, ...override });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe(name);
      expect((error as Error).message).toContain(said);
    });
  });
});
