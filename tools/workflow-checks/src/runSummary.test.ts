import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScript } from './scripts';

/** run-summary.sh's last line, for the results of the two deploy jobs. */
function deployedLine(environment: string, deploy: string, deployWithApproval: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'run-summary-'));
  try {
    const summary = path.join(dir, 'step-summary');
    writeFileSync(summary, '');
    const run = runScript('run-summary.sh', {
      GITHUB_STEP_SUMMARY: summary,
      ENVIRONMENT: environment,
      NEEDS_JSON: JSON.stringify({
        deploy: { result: deploy },
        'deploy-with-approval': { result: deployWithApproval },
      }),
    });
    expect(run.status).toBe(0);
    return run.log.trim().split('\n').pop() ?? '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('run-summary.sh', () => {
  test('lists every image the run pushed, from release-candidate', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'run-summary-'));
    try {
      const summary = path.join(dir, 'step-summary');
      writeFileSync(summary, '');
      const digest = (c: string) => `sha256:${c.repeat(64)}`;
      const images = [
        { repository: 'pipelines/blog', service: 'blog', digest: digest('a') },
        { repository: 'pipelines/hello', service: 'hello', digest: digest('b') },
      ];
      const run = runScript('run-summary.sh', {
        GITHUB_STEP_SUMMARY: summary,
        ENVIRONMENT: 'mint',
        NEEDS_JSON: JSON.stringify({
          'release-candidate': { result: 'success', outputs: { images: JSON.stringify(images) } },
          deploy: { result: 'success' },
        }),
      });
      expect(run.status).toBe(0);
      expect(run.log).toContain(
        `| image | digest |\n|---|---|\n| pipelines/blog | \`${digest('a')}\` |\n| pipelines/hello | \`${digest('b')}\` |\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    ['mint', 'success', 'skipped', 'mint'],
    ['prod', 'skipped', 'success', 'prod'],
    // A second approval environment is reported as itself, not as prod.
    ['preprod', 'skipped', 'success', 'preprod'],
    ['prod', 'skipped', 'failure', 'nothing'],
  ])('%s with deploy %s and deploy-with-approval %s reports %s deployed', (env, a, b, deployed) => {
    expect(deployedLine(env, a, b)).toBe(
      `Routed to environment: \`${env}\`. Deployed: \`${deployed}\`.`,
    );
  });
});
