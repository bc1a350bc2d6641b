import { imageDigests, serverProblems, serverRow, serversSummary } from './serverReleases';

const sha = (c: string) => c.repeat(64);
const blog = { service: 'blog' as const, instanceId: 'i-00000000000000a48' };

describe('serverRow', () => {
  it.each([
    ['serves this run', sha('a').slice(0, 16), sha('a'), 'this run'],
    ['serves another release', 'bundled', sha('a'), 'not this run'],
    ['cannot be read', undefined, sha('a'), 'unreachable'],
    ['the run uploaded nothing', sha('a').slice(0, 16), undefined, 'not this run'],
  ])('%s', (_, release, runSha, result) => {
    expect(serverRow(blog, 'mint', release, runSha).result).toBe(result);
  });
});

describe('serverProblems', () => {
  const page = '<h1>blog</h1>';
  const ok = serverRow(blog, 'mint', sha('a').slice(0, 16), sha('a'));
  const stale = serverRow(blog, 'mint', 'bundled', sha('a'));
  it('finds none when every server serves this run and the proxy serves the blog', () => {
    expect(serverProblems(0, { rows: [ok], throughProxy: page, blogPage: page })).toEqual([]);
  });
  it('names a server that does not serve this run, and a proxy that does not serve the blog', () => {
    expect(serverProblems(0, { rows: [stale], throughProxy: 'other', blogPage: page })).toEqual([
      `blog (i-00000000000000a48) runs release bundled, not this run's ${sha('a').slice(0, 16)}`,
      "the proxy's page for the blog's host name is not the blog host's page",
    ]);
  });
  it('judges nothing at the hold or after a failure: the table shows what runs', () => {
    expect(serverProblems(3, { rows: [stale], blogPage: page })).toEqual([]);
    expect(serverProblems(1, { rows: [stale], blogPage: page })).toEqual([]);
  });
});

describe('serversSummary', () => {
  it('says plainly when the rollout was not rehearsed', () => {
    expect(
      serversSummary(
        { rehearsed: false, reason: 'the server rollout was NOT rehearsed (--no-servers)' },
        undefined,
      ),
    ).toBe('Servers: the server rollout was NOT rehearsed (--no-servers).');
  });
  it("lists each server's release", () => {
    const page = 'x';
    const text = serversSummary(
      { rehearsed: true },
      {
        rows: [serverRow(blog, 'mint', sha('a').slice(0, 16), sha('a'))],
        throughProxy: page,
        blogPage: page,
      },
    );
    expect(text).toContain("Each server's release");
    expect(text).toMatch(
      /blog\s+mint\s+i-00000000000000a48\s+aaaaaaaaaaaaaaaa\s+aaaaaaaaaaaaaaaa\s+this run/,
    );
  });
});

describe('imageDigests', () => {
  it("names each image server's release by its image's digest hex, leaving the blog's image out", () => {
    const images = JSON.stringify([
      { service: 'blog', digest: `sha256:${sha('a')}` },
      { service: 'fulcrum', digest: `sha256:${sha('b')}` },
      { service: 'rocketchat', digest: `sha256:${sha('c')}` },
    ]);
    // The blog server runs the site uploaded to S3, not the blog's image.
    expect(imageDigests(images)).toEqual({ fulcrum: sha('b'), rocketchat: sha('c') });
  });
  it('finds none in no output, or one that is not a list of images', () => {
    expect(imageDigests(undefined)).toEqual({});
    expect(imageDigests('not json')).toEqual({});
    expect(imageDigests('{"service":"fulcrum"}')).toEqual({});
  });
});
