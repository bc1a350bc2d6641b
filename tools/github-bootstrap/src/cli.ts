/**
 * `pnpm bootstrap-github --outputs <file> [--outputs <file>] --reviewer <login|org/team> ...`
 * Configures the fork's GitHub environments from environments.yml and the infra outputs. The
 * token comes from GITHUB_TOKEN (or GH_TOKEN), never from the command line.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '@pipelines/action-kit';
import {
  concreteEnvironments,
  environmentByName,
  environmentFamilies,
  loadEnvironments,
  type EnvironmentInfo,
} from '@pipelines/environments';
import { bootstrap, BootstrapError } from './bootstrap';
import { GitHubApi } from './github';
import { readOutputFiles, variablesFromOutputs } from './infraOutputs';
import type { EnvironmentRule } from './plan';

const USAGE = `usage: pnpm bootstrap-github --outputs <cdk outputs file> [--outputs <file>] --reviewer <login|org/team> [--reviewer ...]
       [--pusher <login|org/team> ...: who may push the deploying branches and tags; default the reviewers]
       [--environment <family member such as int-alice>] [--repo owner/repo] [--config environments.yml] [--dry-run]
The token is read from GITHUB_TOKEN (or GH_TOKEN); GITHUB_API_URL overrides the API (GitHub Enterprise Server).`;

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function ruleOf(info: EnvironmentInfo): EnvironmentRule {
  return {
    name: info.name,
    approval: info.approval,
    family: info.family,
    branches: info.branches,
    tags: info.tags,
    branchPatterns: info.branchPatterns,
    tagPatterns: info.tagPatterns,
  };
}

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = console.log,
): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        outputs: { type: 'string', multiple: true, default: [] },
        reviewer: { type: 'string', multiple: true, default: [] },
        pusher: { type: 'string', multiple: true, default: [] },
        environment: { type: 'string', multiple: true, default: [] },
        repo: { type: 'string' },
        config: { type: 'string', default: path.join(repoRoot, 'environments.yml') },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      log(USAGE);
      return 0;
    }
    const token = env.GITHUB_TOKEN || env.GH_TOKEN;
    if (!token)
      throw new BootstrapError(
        'Set GITHUB_TOKEN (or GH_TOKEN) to a token of a repository admin; it is never taken from the command line.',
      );
    if (values.outputs!.length === 0)
      throw new BootstrapError(
        `Pass the infra outputs with --outputs (cdk deploy --all --outputs-file <file>, once per tier).\n${USAGE}`,
      );

    const config = loadEnvironments(values.config!);
    const repository = values.repo ?? config.project.github;
    const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
    if (!match)
      throw new BootstrapError(`--repo must be owner/repo, not ${JSON.stringify(repository)}.`);

    const members = values.environment!.map((name) => {
      const info = environmentByName(config, name);
      if (!info)
        throw new BootstrapError(
          `--environment ${name} is no environment of ${values.config} (family members look like int-alice).`,
        );
      return info;
    });
    const stacks = readOutputFiles(values.outputs!);
    await bootstrap(new GitHubApi(token, match[1]!, match[2]!, env.GITHUB_API_URL || undefined), {
      project: config.project,
      rules: [...concreteEnvironments(config), ...members].map(ruleOf),
      families: environmentFamilies(config).map((family) => family.template),
      reviewers: values.reviewer!,
      pushers: values.pusher!,
      variablesFor: (name) => variablesFromOutputs(stacks, name),
      dryRun: values['dry-run']!,
      log,
    });
    return 0;
  } catch (error) {
    log(`bootstrap-github: ${errorMessage(error)}`);
    return error instanceof BootstrapError ? 2 : 1;
  }
}
