import { holdMessage, summaryTable, textTable, type Column } from './summary';

describe('summaryTable', () => {
  it('has one row per environment with the function, code sha256, S3 version, digest and time', () => {
    const table = summaryTable([
      {
        environment: 'mint',
        function: 'mint-KatanaLambda',
        codeSha256: 'a'.repeat(64),
        s3Version: 'f1c2d3e4-0000-1111-2222-333344445555',
        imageDigest: `sha256:${'b'.repeat(64)}`,
        seconds: 93.4,
        result: 'deployed',
      },
    ]).split('\n');
    expect(table[0]).toMatch(
      /^environment\s+function\s+code sha256\s+S3 version\s+image digest\s+time\s+result$/,
    );
    expect(table[2]).toMatch(
      /^mint\s+mint-KatanaLambda\s+a{16}…\s+f1c2d3e4-0000-1111-2…\s+sha256:b{16}…\s+93s\s+deployed$/,
    );
  });

  it('shows a dash for what a failed run never produced', () => {
    const [, , row] = summaryTable([
      { environment: 'prod', function: 'prod-KatanaLambda', seconds: 1, result: 'failed' },
    ]).split('\n');
    expect(row).toMatch(/^prod\s+prod-KatanaLambda\s+-\s+-\s+-\s+1s\s+failed$/);
  });
  it('adds the deployment column only when a row has a record, with a dash for a row that has none', () => {
    const row = { function: 'mint-KatanaLambda', seconds: 3, result: 'deployed' } as const;
    expect(summaryTable([{ ...row, environment: 'mint' }]).split('\n')[0]).not.toContain(
      'deployment',
    );
    const [header, , first, second] = summaryTable([
      { ...row, environment: 'mint', deployment: { id: 7, state: 'success' } },
      { ...row, environment: 'amy' },
    ]).split('\n');
    expect(header).toMatch(/\s+result\s+deployment$/);
    expect(first).toMatch(/\s+deployed\s+#7 success$/);
    expect(second).toMatch(/\s+deployed\s+-$/);
  });
});

describe('textTable', () => {
  const columns: readonly Column<{ name: string; note?: string }>[] = [
    { header: 'name', cell: (row) => row.name },
    { header: 'note', cell: (row) => row.note, optional: true },
  ];

  it.each([
    ['leaves out an optional column that no row has', [{ name: 'a' }], ['name', '----', 'a']],
    [
      'widens each column to its widest cell and shows a dash where a row has none',
      [{ name: 'alpha', note: 'n' }, { name: 'b' }],
      ['name   note', '-----  ----', 'alpha  n', 'b      -'],
    ],
  ])('%s', (_, rows, expected) => {
    expect(textTable(columns, rows).split('\n')).toEqual(expected);
  });
});

describe('holdMessage', () => {
  it('shows the reviewers the commit, sha256, VersionId and digest, and how to approve', () => {
    const text = holdMessage(
      {
        environment: 'prod',
        commit: 'c0ffee',
        ref: 'refs/heads/master',
        sha256: 'ab12',
        bucket: 'pipelines-artifacts-upper',
        key: 'prod/katana-lambda.zip',
        versionId: 'v-1',
        digest: 'sha256:dd',
      },
      'bash scripts/rehearse.sh --ref refs/heads/master --approve',
    );
    for (const part of [
      'c0ffee',
      'ab12',
      'v-1',
      'sha256:dd',
      's3://pipelines-artifacts-upper/prod/katana-lambda.zip',
      '--approve',
      'prod is unchanged',
    ]) {
      expect(text).toContain(part);
    }
  });
});
