import { uploadsToAbort, type OpenUpload } from './sweep';

const upload = (key: string, uploadId: string): OpenUpload => ({ key, uploadId });

describe('uploadsToAbort', () => {
  it('takes every open upload of exactly this key, including those whose ids the run never learned', () => {
    const open = [upload('mint/katana-lambda.zip', 'a'), upload('mint/katana-lambda.zip', 'b')];
    expect(uploadsToAbort(open, 'mint/katana-lambda.zip').map((u) => u.uploadId)).toEqual([
      'a',
      'b',
    ]);
  });

  it.each([
    ['another key sharing the prefix', upload('mint/katana-lambda.zip.old', 'x')],
    ['an entry without an upload id', upload('mint/katana-lambda.zip', '')],
  ])('leaves alone %s', (_case, other) => {
    expect(uploadsToAbort([other], 'mint/katana-lambda.zip')).toEqual([]);
  });
});
