import { ActionError, errorMessage, InputError } from './errors';

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
