import { workflowRunOf } from './services';

describe('workflowRunOf', () => {
  it.each([
    ['refs/heads/integration', 'integration'],
    ['refs/tags/RELEASE-7', 'RELEASE-7'],
    ['refs/heads/feature/refs/heads/x', 'feature/refs/heads/x'],
  ])('describes a push of %s as a run on %s', (ref, headBranch) => {
    expect(workflowRunOf('.github/workflows/pipeline.yml', ref, 'c0ffee')).toEqual({
      path: '.github/workflows/pipeline.yml',
      headBranch,
      event: 'push',
      headSha: 'c0ffee',
    });
  });
});
