import { InputError } from '@pipelines/action-kit';
import { objectTags, parseTagPairs, provenanceTags, tagValue, taggingHeader } from './tags';

describe('provenance tags', () => {
  it('tags the commit, ref and run id from the runner variables', () => {
    expect(
      provenanceTags({
        GITHUB_SHA: 'abc123',
        GITHUB_REF: 'refs/tags/RELEASE-7',
        GITHUB_RUN_ID: '42',
      }),
    ).toEqual([
      { Key: 'commit', Value: 'abc123' },
      { Key: 'ref', Value: 'refs/tags/RELEASE-7' },
      { Key: 'run-id', Value: '42' },
    ]);
  });

  it('leaves out what the environment does not say (a local run)', () => {
    expect(provenanceTags({ GITHUB_SHA: 'abc123' })).toEqual([{ Key: 'commit', Value: 'abc123' }]);
  });
});

describe('tagValue', () => {
  it.each([
    ['refs/heads/Feature-x-1', 'refs/heads/Feature-x-1'],
    ['refs/heads/$(rm -rf)', 'refs/heads/__rm -rf_'],
    ['refs/heads/a`b"c\'d', 'refs/heads/a_b_c_d'],
    ['refs/heads/ünïcode', 'refs/heads/ünïcode'],
  ])('keeps what S3 allows and replaces the rest: %s', (raw, expected) => {
    expect(tagValue(raw)).toBe(expected);
  });

  it("cuts a value to S3's 256 characters", () => {
    expect(tagValue('x'.repeat(300))).toHaveLength(256);
  });
});

describe('parseTagPairs', () => {
  it('parses key=value items, keeping "=" inside values', () => {
    expect(parseTagPairs(['team=payments', 'expr=a=b'])).toEqual([
      { Key: 'team', Value: 'payments' },
      { Key: 'expr', Value: 'a=b' },
    ]);
  });

  it.each([['novalue'], ['=value'], ['bad$key=v']])('refuses %s', (item) => {
    expect(typeof parseTagPairs([item])).toBe('string');
  });
});

describe('objectTags', () => {
  const env = { GITHUB_SHA: 'abc', GITHUB_REF: 'refs/heads/integration', GITHUB_RUN_ID: '1' };

  it('adds the extra tags after the provenance tags, an extra tag winning on a clash', () => {
    expect(
      objectTags(env, [
        { Key: 'team', Value: 'x' },
        { Key: 'run-id', Value: 'override' },
      ]),
    ).toEqual([
      { Key: 'commit', Value: 'abc' },
      { Key: 'ref', Value: 'refs/heads/integration' },
      { Key: 'run-id', Value: 'override' },
      { Key: 'team', Value: 'x' },
    ]);
  });

  it('refuses more than the 10 tags S3 allows, naming the tags input', () => {
    const extra = Array.from({ length: 8 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(() => objectTags(env, extra)).toThrow(InputError);
    expect(() => objectTags(env, extra)).toThrow('Input "tags"');
  });
});

describe('taggingHeader', () => {
  it('URL-encodes keys and values so that "+" and spaces survive', () => {
    expect(
      taggingHeader([
        { Key: 'ref', Value: 'a b+c/d' },
        { Key: 'k', Value: 'v' },
      ]),
    ).toBe('ref=a%20b%2Bc%2Fd&k=v');
  });
});
