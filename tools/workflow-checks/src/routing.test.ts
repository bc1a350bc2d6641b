import { dependencyOrder, route } from './routing';
import { workflowFromText } from './workflowModel';

const workflow = workflowFromText(`
on:
  push:
    branches: ['**']
    tags: [prod-*]
jobs:
  resolve:
    runs-on: x
    steps: [{ run: 'true' }]
  test:
    needs: resolve
    runs-on: x
    steps: [{ run: 'true' }]
  deploy:
    needs: [resolve, test]
    if: needs.resolve.outputs.deploy == 'true'
    environment:
      name: \${{ needs.resolve.outputs.environment }}
      url: https://example.com
    runs-on: x
    steps: [{ run: 'true' }]
  after-deploy:
    needs: deploy
    runs-on: x
    steps: [{ run: 'true' }]
  report:
    needs: [deploy, after-deploy]
    if: always()
    environment: { name: reports, deployment: false }
    runs-on: x
    steps: [{ run: 'true' }]
`);

const outputs =
  (deploy: boolean, environment = '') =>
  (job: string): Record<string, string> =>
    job === 'resolve' ? { deploy: String(deploy), environment } : {};

describe('routing a push through a workflow', () => {
  test('a deploying ref runs every job and enters the environment resolve names', () => {
    const r = route(workflow, { ref: 'refs/heads/main', outputsOf: outputs(true, 'mint') });
    expect(r.ran).toEqual(['resolve', 'test', 'deploy', 'after-deploy', 'report']);
    expect(r.environments).toEqual([
      { job: 'deploy', environment: 'mint', deployment: true },
      { job: 'report', environment: 'reports', deployment: false },
    ]);
  });

  test('a skipped job skips the jobs that need it, unless they use always()', () => {
    const r = route(workflow, { ref: 'refs/heads/main', outputsOf: outputs(false) });
    expect(r.results).toMatchObject({
      deploy: 'skipped',
      'after-deploy': 'skipped',
      report: 'success',
    });
  });

  test('a failing job skips its dependants', () => {
    const r = route(workflow, {
      ref: 'refs/heads/x',
      outputsOf: outputs(true, 'mint'),
      failing: ['resolve'],
    });
    expect(r.ran).toEqual(['resolve', 'report']);
    expect(r.results.resolve).toBe('failure');
    expect(r.results.test).toBe('skipped');
  });

  test('a ref the triggers do not match runs nothing', () => {
    const r = route(workflow, { ref: 'refs/tags/v1', outputsOf: outputs(true, 'mint') });
    expect(r).toMatchObject({ triggered: false, ran: [], environments: [] });
  });

  test('dependency order refuses unknown needs and cycles', () => {
    const job = (id: string, needs: string[]) => ({ id, needs, permissions: {}, steps: [] });
    expect(() => dependencyOrder([job('a', ['b'])])).toThrow(/unknown job b/);
    expect(() => dependencyOrder([job('a', ['b']), job('b', ['a'])])).toThrow(/cycle/);
  });
});
