import {
  formatBytes,
  plain,
  releaseNotes,
  rollbackCommand,
  sizeChange,
  type Changes,
  type NotesFacts,
} from './notes';
import { parsePayload, type RunningRecord } from './decide';

const HEAD = 'b'.repeat(40);
const BASE = 'a'.repeat(40);
const SHA256 = 'c'.repeat(64);

const record = (payload: Record<string, unknown> = {}): RunningRecord => ({
  deploymentId: 7,
  commit: BASE,
  createdAt: '2026-11-29T10:00:00Z',
  payload: parsePayload({
    pipelines: 1,
    run_id: '41',
    commit: BASE,
    package: { sha256: SHA256, size: 1_000_000, version_id: 'v-old' },
    function: { name: 'prod-KatanaLambda', alias: 'live' },
    image: { digest: `sha256:${'d'.repeat(64)}`, size: 20_000_000 },
    ...payload,
  }),
});

const compared = (change: Partial<Extract<Changes, { kind: 'compared' }>> = {}): Changes => ({
  kind: 'compared',
  status: 'ahead',
  commits: [
    { sha: '1'.repeat(40), title: 'Add the status page', author: 'alice' },
    { sha: '2'.repeat(40), title: 'Fix the health check', author: 'bob' },
  ],
  aheadBy: 2,
  behindBy: 0,
  pulls: {
    ['2'.repeat(40)]: [
      { number: 12, title: 'Health check', url: 'https://github.com/example/pipelines/pull/12' },
    ],
  },
  ...change,
});

const facts = (change: Partial<NotesFacts> = {}): NotesFacts => ({
  environment: 'prod',
  approval: true,
  repository: 'example/pipelines',
  serverUrl: 'https://github.com',
  ref: 'master',
  running: { kind: 'record', record: record() },
  changes: compared(),
  checks: {
    jest: { passed: 40, failed: 0, skipped: 2 },
    mocha: { passed: 4, failed: 0, skipped: 0 },
    audit: 'success',
  },
  sizes: { package: 1_100_000, image: 19_000_000 },
  hashes: {
    commit: HEAD,
    packageSha256: 'e'.repeat(64),
    bucket: 'pipelines-upper',
    key: 'prod/katana-lambda.zip',
    versionId: 'v-new',
    functionName: 'prod-KatanaLambda',
    imageDigest: `sha256:${'f'.repeat(64)}`,
    imageUri: 'registry/blog:prod-candidate',
  },
  ...change,
});

describe('releaseNotes', () => {
  it('starts with the commits since what runs now, their authors, pull requests and a compare link', () => {
    const notes = releaseNotes(facts());
    expect(notes).toMatch(
      /^### Release candidate for prod: waiting for approval\n\n#### What changes/,
    );
    expect(notes).toContain(
      `Compare: https://github.com/example/pipelines/compare/${BASE}...${HEAD}`,
    );
    expect(notes).toContain(
      '2 commit(s) in this release that prod does not run yet, oldest first:',
    );
    expect(notes).toContain('- `1111111` Add the status page (alice)\n');
    expect(notes).toContain(
      '- `2222222` Fix the health check (bob) in [#12 Health check](https://github.com/example/pipelines/pull/12)',
    );
    // What a person reads first, the hashes after, the rollback last.
    const order = [
      '#### What changes',
      '#### Checks',
      '#### Size',
      '#### What the deploy verifies',
      '#### Rollback',
    ];
    expect(order.map((h) => notes.indexOf(h))).toEqual(
      [...order.map((h) => notes.indexOf(h))].sort((a, b) => a - b),
    );
  });

  it('says when the environment has no record yet (the first deploy)', () => {
    const notes = releaseNotes(facts({ running: { kind: 'first' }, changes: { kind: 'none' } }));
    expect(notes).toContain('First deploy to prod: it has no deployment record yet');
    expect(notes).toContain('Nothing to roll back to: this is the first recorded deploy to prod.');
    expect(notes).toContain('| package | none | 1.1 MB |  |');
  });

  it('says when GitHub lists only the newest 250 of more commits', () => {
    const notes = releaseNotes(facts({ changes: compared({ aheadBy: 300 }) }));
    expect(notes).toContain('300 commit(s) in this release');
    expect(notes).toContain(
      'Showing the newest 2 of 300 commits (GitHub lists at most 250 here); the compare link has them all.',
    );
  });

  it.each(['diverged', 'behind'] as const)(
    'warns when what runs now is not an ancestor of this commit (%s)',
    (status) => {
      const notes = releaseNotes(facts({ changes: compared({ status, behindBy: 3 }) }));
      expect(notes).toContain(
        '**What prod runs is not an ancestor of this commit** (a force-push or a rollback): 3 commit(s) it runs are not in this release',
      );
    },
  );

  it('says when this commit is what runs now', () => {
    const notes = releaseNotes(
      facts({ changes: compared({ status: 'identical', commits: [], aheadBy: 0 }) }),
    );
    expect(notes).toContain('This commit is what prod runs now: this deploy changes no code.');
  });

  it('still shows every hash when GitHub could not be read', () => {
    const notes = releaseNotes(
      facts({ running: { kind: 'unreadable', reason: 'HTTP 503' }, changes: { kind: 'none' } }),
    );
    expect(notes).toContain('Could not read what prod runs now: HTTP 503.');
    expect(notes).toContain(`| commit | \`${HEAD}\` |`);
    expect(notes).toContain('| S3 object | `s3://pipelines-upper/prod/katana-lambda.zip` |');
    expect(notes).toContain(`| image digest | \`sha256:${'f'.repeat(64)}\` |`);
    expect(notes).toContain('| package | unknown | 1.1 MB |  |');
  });

  it('shows the commits as unreadable when the compare fails, with the compare link', () => {
    const notes = releaseNotes(
      facts({ changes: { kind: 'unreadable', reason: 'GitHub does not know commit aaaaaaa' } }),
    );
    expect(notes).toContain(
      'Could not list the commits: GitHub does not know commit aaaaaaa. The compare link above lists them.',
    );
  });

  it('shows the size change of the package and the image, up and down', () => {
    const notes = releaseNotes(facts());
    expect(notes).toContain('| package | 1.0 MB | 1.1 MB | +100 KB (+10.0%) |');
    expect(notes).toContain('| image | 20.0 MB | 19.0 MB | -1.0 MB (-5.0%) |');
  });

  it('shows unknown for sizes the record or this run lacks, never a guess', () => {
    const notes = releaseNotes(
      facts({ running: { kind: 'record', record: record({ package: {}, image: {} }) }, sizes: {} }),
    );
    expect(notes).toContain('| package | unknown | unknown |  |');
    expect(notes).toContain('| image | unknown | unknown |  |');
  });

  it('shows the test counts and the audit result', () => {
    const notes = releaseNotes(facts());
    expect(notes).toContain('| jest | 40 passed, 0 failed, 2 skipped |');
    expect(notes).toContain('| mocha | 4 passed, 0 failed |');
    expect(notes).toContain('| audit | success |');
    expect(releaseNotes(facts({ checks: {} }))).toContain(
      '| jest | unknown (the job reported no counts) |',
    );
  });

  it('ends with the rollback command built from the record of what runs now', () => {
    expect(releaseNotes(facts())).toContain(
      `\`\`\`sh\ngh workflow run rollback.yml --ref master -f environment=prod -f s3-version-id=v-old -f expected-sha256=${SHA256}\n\`\`\``,
    );
  });

  it('says what to look up when the record lacks what the rollback needs', () => {
    const notes = releaseNotes(
      facts({ running: { kind: 'record', record: record({ package: { version_id: 'v-old' } }) } }),
    );
    expect(notes).toContain(
      'The record of what prod runs now lacks the package sha256: look them up in the release-candidate summary of https://github.com/example/pipelines/actions/runs/41',
    );
  });

  it('keeps commit titles as text: no links, mentions or table breaks of their own', () => {
    const notes = releaseNotes(
      facts({
        changes: compared({
          commits: [
            { sha: '3'.repeat(40), title: 'ping @team <b>[x](http://e) | y', author: 'eve' },
          ],
          aheadBy: 1,
        }),
      }),
    );
    expect(notes).toContain(`ping @\u200bteam \\<b\\>\\[x\\](http://e) \\| y`);
  });

  it('says a lower environment deploys without a hold', () => {
    const notes = releaseNotes(facts({ approval: false, environment: 'mint' }));
    expect(notes).toMatch(/^### Release candidate for mint\n/);
    expect(notes).toContain('Deploys without a hold.');
  });
});

describe('rollbackCommand', () => {
  it('serves the published version again when the record has one', () => {
    expect(
      rollbackCommand(
        { environment: 'prod', ref: 'RELEASE-7' },
        record({ function: { version: '12' } }),
      ),
    ).toEqual({
      command: `gh workflow run rollback.yml --ref RELEASE-7 -f environment=prod -f version=12 -f expected-sha256=${SHA256}`,
    });
  });

  it('quotes a ref the shell would read otherwise', () => {
    const rollback = rollbackCommand({ environment: 'prod', ref: "it's $(x)" }, record());
    expect('command' in rollback && rollback.command).toContain(`--ref 'it'\\''s $(x)'`);
  });

  it('names both missing values', () => {
    expect(
      rollbackCommand({ environment: 'prod', ref: 'master' }, record({ package: {} })),
    ).toEqual({
      missing: 'a published version or an S3 VersionId and the package sha256',
    });
  });
});

describe('sizes and text', () => {
  it.each([
    [512, '512 B'],
    [1_500, '1.5 KB'],
    [123_456_789, '123 MB'],
  ])('formats %d bytes as %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [100, 100, 'no change'],
    [0, 10, '+10 B'],
    [2_000, 1_000, '-1.0 KB (-50.0%)'],
  ])('from %d to %d is %s', (before, after, text) => expect(sizeChange(before, after)).toBe(text));

  it('escapes markdown in plain text', () => {
    expect(plain('a_b*c')).toBe('a\\_b\\*c');
  });
});
