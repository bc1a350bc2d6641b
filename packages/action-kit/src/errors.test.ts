import { ActionError, couldNot, errorMessage, InputError } from './errors';

describe('errorMessage', () => {
  it.each([
    [new Error('boom'), 'boom'],
    ['plain string', 'plain string'],
    [{ code: 42 }, '{"code":42}'],
    [undefined, 'undefined'],
    [null, 'null'],
  ])('reports %p as %p', (thrown, message) => {
    expect(errorMessage(thrown)).toBe(message);
  });
});

describe('InputError and ActionError', () => {
  it('say what failed and what to do', () => {
    expect(new InputError('bucket', 'is required but was not set', 'Set bucket.').message).toBe(
      'Input "bucket" is required but was not set. Set bucket.',
    );
    expect(
      new ActionError('upload s3://b/k', new Error('timeout'), 'Re-run the job.').message,
    ).toBe('Could not upload s3://b/k: timeout. Re-run the job.');
  });
});

describe('couldNot', () => {
  it.each([
    [
      'measure the package p.zip',
      new Error('ENOENT'),
      undefined,
      'Could not measure the package p.zip: ENOENT',
    ],
    [
      'list the commits',
      'HTTP 503',
      'The compare link lists them.',
      'Could not list the commits: HTTP 503. The compare link lists them.',
    ],
  ])(
    'words a reported failure as ActionError words a thrown one: %s',
    (what, cause, fix, message) => {
      expect(couldNot(what, cause, fix)).toBe(message);
      expect(new ActionError(what, cause, fix).message).toBe(message);
    },
  );
});
