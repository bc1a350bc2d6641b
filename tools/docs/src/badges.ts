/**
 * The README's deployment badges, generated from environments.yml: one per concrete environment
 * of `project.github`, so a fork's README follows its own repository and environments. Family
 * members (int-alice of int-{name}) come and go with their tags; `pnpm deploy-report` lists them.
 *
 * The image is shields.io's GitHub deployments badge (`/github/deployments/<owner>/<repo>/<env>`):
 * the state of the environment's newest deployment (success, failure, inactive, in progress), read
 * by shields.io from GitHub, so it shows only for public repositories. The link opens the
 * environment's page of deployments on GitHub.
 */
import path from 'node:path';
import {
  concreteEnvironments,
  loadEnvironments,
  type EnvironmentsConfig,
} from '@pipelines/environments';

export function deployBadges(config: EnvironmentsConfig): string {
  const repository = config.project.github;
  return concreteEnvironments(config)
    .map(({ name }) => {
      const env = encodeURIComponent(name);
      const image = `https://img.shields.io/github/deployments/${repository}/${env}?label=${env}`;
      const page = `https://github.com/${repository}/deployments/${env}`;
      return `[![${name}](${image})](${page})`;
    })
    .join('\n');
}

export function deployBadgesMarkdown(repoRoot: string): string {
  return deployBadges(loadEnvironments(path.join(repoRoot, 'environments.yml')));
}
