import { z } from 'zod';
import { InputError } from './errors';
import {
  booleanString,
  input,
  integerString,
  listString,
  parsedBy,
  parseInputs,
  rawInput,
  resolveRegion,
  sha256Hex,
} from './inputs';

const specs = {
  bucket: input(z.string().min(3), 'Set bucket to the artifact bucket name.'),
  publish: input(booleanString.default(true), 'Use true or false.'),
  'timeout-seconds': input(
    integerString(1, 900).default(300),
    'Use a number of seconds from 1 to 900.',
  ),
  tags: input(listString.default([]), 'List tags one per line.'),
};

describe('parseInputs', () => {
  it('reads INPUT_ variables the way the runner sets them, with defaults for empty inputs, keyed in camelCase', () => {
    const parsed = parseInputs(specs, {
      INPUT_BUCKET: ' my-bucket ',
      'INPUT_TIMEOUT-SECONDS': '',
      INPUT_TAGS: 'a, b\nc',
    });
    expect(parsed).toEqual({
      bucket: 'my-bucket',
      publish: true,
      timeoutSeconds: 300,
      tags: ['a', 'b', 'c'],
    });
  });

  it('names the missing input and the fix', () => {
    expect(() => parseInputs(specs, {})).toThrow(
      new InputError(
        'bucket',
        'is required but was not set',
        'Set bucket to the artifact bucket name.',
      ),
    );
  });

  it.each([
    ['INPUT_PUBLISH', 'yes', 'publish'],
    ['INPUT_TIMEOUT-SECONDS', '0', 'timeout-seconds'],
    ['INPUT_TIMEOUT-SECONDS', '12s', 'timeout-seconds'],
    ['INPUT_TIMEOUT-SECONDS', '901', 'timeout-seconds'],
  ])('rejects %s=%s as an invalid %s', (variable, value, name) => {
    expect(() => parseInputs(specs, { INPUT_BUCKET: 'bucket', [variable]: value })).toThrow(
      expect.objectContaining({
        input: name,
        message: expect.stringContaining(`Input "${name}" is not valid`),
      }),
    );
  });

  it('turns spaces in names into underscores like @actions/core', () => {
    expect(rawInput('my input', { INPUT_MY_INPUT: 'x' })).toBe('x');
  });
});

describe('value schemas', () => {
  it('normalises a sha256 to lowercase and rejects anything else', () => {
    expect(sha256Hex.parse('AB'.repeat(32))).toBe('ab'.repeat(32));
    expect(sha256Hex.safeParse('abc').success).toBe(false);
  });
});

describe('resolveRegion', () => {
  it('prefers the input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(resolveRegion('eu-west-1', { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(
      resolveRegion(undefined, { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'us-west-1' }),
    ).toBe('us-east-2');
    expect(resolveRegion(undefined, { AWS_DEFAULT_REGION: 'us-west-1' })).toBe('us-west-1');
  });

  it('fails naming aws-region when nothing sets a region, or the value is not one', () => {
    expect(() => resolveRegion(undefined, {})).toThrow(/Input "aws-region" is required/);
    expect(() => resolveRegion('$(id)', {})).toThrow(/Input "aws-region" is not a region/);
  });
});

describe('parsedBy', () => {
  const even = z
    .string()
    .transform(parsedBy((v: string) => (Number(v) % 2 === 0 ? Number(v) : `${v} is odd`)));

  it('passes the parser result on, and turns its problem into the error message', () => {
    expect(even.parse('4')).toBe(4);
    const result = even.safeParse('3');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('3 is odd');
  });
});
