import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnvironments } from '@pipelines/environments';
import { deployBadges } from './badges';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const environments = readFileSync(path.join(repoRoot, 'environments.yml'), 'utf8');

describe("the README's deployment badges", () => {
  // That the committed README has them: docs.test.ts ("README.md is up to date").
  test('one per concrete environment of the repository, linking to its deployments on GitHub', () => {
    const badges = deployBadges(parseEnvironments(environments, 'environments.yml')).split('\n');
    expect(badges).toHaveLength(6);
    expect(badges[5]).toBe(
      '[![prod](https://img.shields.io/github/deployments/example/pipelines/prod?label=prod)](https://github.com/example/pipelines/deployments/prod)',
    );
    // A family has no badge of its own: its members are found by pnpm deploy-report.
    expect(badges.join('\n')).not.toContain('int-');
  });

  test("a fork's badges follow its environments.yml: its repository, a new environment", () => {
    const fork = parseEnvironments(
      environments
        .replace('github: example/pipelines', 'github: acme/shop')
        .replace('  prod:\n', '  preprod:\n    tier: upper\n    tags: [preprod]\n  prod:\n'),
      'environments.yml',
    );
    expect(deployBadges(fork).split('\n').slice(-2)).toEqual([
      '[![preprod](https://img.shields.io/github/deployments/acme/shop/preprod?label=preprod)](https://github.com/acme/shop/deployments/preprod)',
      '[![prod](https://img.shields.io/github/deployments/acme/shop/prod?label=prod)](https://github.com/acme/shop/deployments/prod)',
    ]);
  });
});
