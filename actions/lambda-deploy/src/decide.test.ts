import { sha256HexToBase64 } from '@pipelines/action-kit';
import {
  aliasMovedProblem,
  codeShaProblem,
  readiness,
  sourceDescription,
  sourceOfDescription,
} from './decide';

const HEX = 'd813198709b0e40f4a9056b7dcf2fb25227560593393eab17d4002149e9a00f0';

describe('readiness', () => {
  it.each([
    [{ State: 'Active', LastUpdateStatus: 'Successful' }, { ready: true }],
    [{}, { ready: true }],
    [
      { State: 'Active', LastUpdateStatus: 'InProgress' },
      { ready: false, reason: 'LastUpdateStatus is InProgress' },
    ],
    [{ State: 'Pending' }, { ready: false, reason: 'State is Pending' }],
    [
      { State: 'Active', LastUpdateStatus: 'Failed', LastUpdateStatusReason: 'bad zip' },
      { failed: 'the update failed: bad zip' },
    ],
    [
      { State: 'Failed', StateReason: 'role gone' },
      { failed: 'the function is in state Failed: role gone' },
    ],
  ])('%j -> %j', (config, expected) => {
    expect(readiness(config)).toEqual(expected);
  });
});

describe('codeShaProblem', () => {
  it("accepts Lambda's base64 CodeSha256 of the package's hex sha256", () => {
    expect(codeShaProblem(sha256HexToBase64(HEX), HEX)).toBeUndefined();
  });

  it.each([
    ['other code', sha256HexToBase64('0'.repeat(64)), `(hex ${'0'.repeat(64)})`],
    ['the hex itself (a spelling mix-up)', HEX, `Lambda reports CodeSha256 "${HEX}"`],
    ['no CodeSha256', undefined, 'Lambda reports CodeSha256 null'],
  ])('reports %s', (_label, codeSha256, said) => {
    const problem = codeShaProblem(codeSha256, HEX);
    expect(problem).toContain(said);
    expect(problem).toContain(`the package's sha256 is ${HEX}`);
  });
});

describe('aliasMovedProblem', () => {
  it.each([
    ['1', '1', undefined],
    [undefined, undefined, undefined],
  ])('lets %s -> %s through', (start, now, expected) => {
    expect(aliasMovedProblem('live', start, now)).toBe(expected);
  });

  it.each([
    ['1', '3', 'pointed at version 1 when the deploy started and points at version 3 now'],
    [undefined, '3', 'pointed at nothing (no alias) when the deploy started'],
    ['1', undefined, 'points at nothing (no alias) now'],
  ])('refuses %s -> %s', (start, now, said) => {
    expect(aliasMovedProblem('live', start, now)).toContain(said);
  });
});

describe('the S3 source recorded in a version description', () => {
  const source = { bucket: 'artifacts-upper', key: 'prod/katana-lambda.zip', version: 'v.1_x' };

  it('reads back what it wrote', () => {
    const text = sourceDescription(source);
    expect(text).toBe('code from s3://artifacts-upper/prod/katana-lambda.zip?versionId=v.1_x');
    expect(sourceOfDescription(text)).toEqual(source);
  });

  it("records nothing that would not fit Lambda's 256 characters", () => {
    expect(sourceDescription({ ...source, key: 'k'.repeat(300) })).toBeUndefined();
  });

  it.each([[undefined], [''], ['Katana Lambda of environment prod'], ['code from s3://b/k']])(
    'finds no source in %p',
    (description) => {
      expect(sourceOfDescription(description)).toBeUndefined();
    },
  );
});
