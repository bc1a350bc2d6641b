import { summaryMarkdown } from './summary';

describe('summaryMarkdown', () => {
  it('renders a heading and a table of values as code, escaping pipes and newlines', () => {
    expect(
      summaryMarkdown(
        'S3 upload',
        [
          ['sha256', 'abc'],
          ['key', 'a|b\nc'],
          ['empty', ''],
        ],
        'note',
      ),
    ).toBe(
      [
        '### S3 upload',
        '',
        '| | |',
        '|---|---|',
        '| sha256 | `abc` |',
        '| key | `a\\|b c` |',
        '| empty |  |',
        '',
        'note',
        '',
      ].join('\n'),
    );
  });
});
