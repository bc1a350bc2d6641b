import { sweepReport, uploadsToAbort, type OpenUpload, type SweepResult } from './sweep';

const KEY = 'mint/katana-lambda.zip';
const upload = (key: string, uploadId: string): OpenUpload => ({ key, uploadId });

describe('uploadsToAbort', () => {
  it.each<[string, OpenUpload[], string[], string[]]>([
    [
      'every upload of the key this run started, including those whose ids it never learned',
      [upload(KEY, 'a'), upload(KEY, 'b'), upload(KEY, 'c')],
      [],
      ['a', 'b', 'c'],
    ],
    [
      'not an upload that was already open before this run began',
      [upload(KEY, 'older'), upload(KEY, 'ours')],
      ['older'],
      ['ours'],
    ],
    [
      'not another key that shares the prefix',
      [upload(`${KEY}.old`, 'x'), upload(KEY, 'ours')],
      [],
      ['ours'],
    ],
    ['not an entry without an upload id', [upload(KEY, '')], [], []],
    ['nothing when nothing is open', [], ['older'], []],
  ])('takes %s', (_case, open, before, expected) => {
    expect(uploadsToAbort(open, KEY, new Set(before)).map((u) => u.uploadId)).toEqual(expected);
  });
});

describe('sweepReport', () => {
  const where = { bucket: 'artifacts', key: KEY };
  const cleanCommands = [
    `aws s3api list-multipart-uploads --bucket artifacts --prefix ${KEY}`,
    `aws s3api abort-multipart-upload --bucket artifacts --key ${KEY} --upload-id <UploadId>`,
    'AbortIncompleteMultipartUpload',
  ];

  it.each<[string, SweepResult, string[], string[]]>([
    [
      'says nothing was left behind only when the listing shows none of ours open',
      { listed: true, stillOpen: 0, leftAlone: 0 },
      ['Nothing was left behind'],
      ['may be left', 'still open', 'left alone', ...cleanCommands],
    ],
    [
      'names the older uploads it left alone',
      { listed: true, stillOpen: 0, leftAlone: 2 },
      ['Nothing was left behind', '2 older open multipart upload(s) of the key'],
      ['may be left', ...cleanCommands],
    ],
    [
      'counts ours still open and says how to clean them',
      { listed: true, stillOpen: 3, leftAlone: 0 },
      ['3 multipart upload(s) started by this run are still open', ...cleanCommands],
      ['Nothing was left behind'],
    ],
    [
      'says uploads may be left, why, and how to clean them when listing or aborting failed',
      { listed: false, error: 'AccessDenied: not authorized' },
      ['may be left open', 'AccessDenied: not authorized', ...cleanCommands],
      ['Nothing was left behind'],
    ],
  ])('%s', (_case, result, says, never) => {
    const report = sweepReport(result, where);
    for (const text of says) expect(report).toContain(text);
    for (const text of never) expect(report).not.toContain(text);
  });
});
