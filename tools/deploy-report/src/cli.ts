/**
 * `pnpm deploy-report [--repo owner/repo] [--days N] [--environment NAME] [--json]`: per
 * environment of environments.yml, what runs there, the recent deployments, lead time, deployment
 * frequency and failed deploys, from the deployment records the pipeline leaves on GitHub. The
 * token comes from GITHUB_TOKEN (or GH_TOKEN), never from the command line.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '@pipelines/action-kit';
import {
  ConfigError,
  concreteEnvironments,
  environmentByName,
  loadEnvironments,
  type EnvironmentInfo,
  type EnvironmentsConfig,
} from '@pipelines/environments';
import { gitHubClient } from '@pipelines/action-kit/github';
import { commitsToLookUp, environmentFigures, type Window } from './figures';
import { DeploymentHistory, type Repository } from './history';
import { reportJson, reportText, type EnvironmentReport, type Report } from './render';

const USAGE = `usage: pnpm deploy-report [--repo owner/repo] [--days N] [--environment NAME ...] [--json]
       [--until <ISO time: the end of the window, default now>] [--no-commit-lookup] [--config environments.yml]
The token is read from GITHUB_TOKEN (or GH_TOKEN): GITHUB_TOKEN=$(gh auth token) pnpm deploy-report.
GITHUB_API_URL and GITHUB_SERVER_URL point it at GitHub Enterprise Server (its API, its pages).`;

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const DAY_MS = 24 * 3600 * 1000;
const MAX_DAYS = 365;

/** Bad options or setup: said with the fix, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Options {
  repository: Repository;
  days: number;
  window: Window;
  environments: EnvironmentInfo[] | 'all';
  json: boolean;
  commitLookup: boolean;
  config: EnvironmentsConfig;
}

/** The options, checked: every problem names the option and the fix, before any request. */
export function parseOptions(argv: string[], now: Date): Options | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        repo: { type: 'string' },
        days: { type: 'string', default: '30' },
        environment: { type: 'string', multiple: true, default: [] },
        until: { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-commit-lookup': { type: 'boolean', default: false },
        config: { type: 'string', default: path.join(repoRoot, 'environments.yml') },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    // Node's own TypeError; under jest it comes from another realm, so no instanceof Error.
    const message = (error as { message?: unknown } | null)?.message ?? errorMessage(error);
    throw new UsageError(`${String(message)}\n${USAGE}`);
  }
  if (values.help) return 'help';

  const days = Number(values.days);
  if (!/^\d+$/.test(values.days!) || days < 1 || days > MAX_DAYS)
    throw new UsageError(
      `--days must be a whole number of days from 1 to ${MAX_DAYS}, not ${JSON.stringify(values.days)}.`,
    );
  const until = values.until === undefined ? now : new Date(values.until);
  if (Number.isNaN(until.getTime()))
    throw new UsageError(
      `--until must be a time such as 2026-11-30 or 2026-11-30T12:00:00Z, not ${JSON.stringify(values.until)}.`,
    );

  let config;
  try {
    config = loadEnvironments(values.config!);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw new UsageError(`Could not read ${values.config}: ${errorMessage(error)}.`);
  }
  const repository = values.repo ?? config.project.github;
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repository);
  if (!match)
    throw new UsageError(
      `--repo must be owner/repo as GitHub spells it, not ${JSON.stringify(repository)}.`,
    );
  const environments = values.environment!.map((name) => {
    const info = environmentByName(config, name);
    if (!info)
      throw new UsageError(
        `--environment ${JSON.stringify(name)} is no environment of ${values.config}: use one of ${concreteEnvironments(
          config,
        )
          .map((e) => e.name)
          .join(', ')}, or a family member such as int-alice.`,
      );
    return info;
  });

  return {
    repository: { owner: match[1]!, repo: match[2]! },
    days,
    window: {
      since: new Date(until.getTime() - days * DAY_MS).toISOString(),
      until: until.toISOString(),
    },
    environments: environments.length > 0 ? environments : 'all',
    json: values.json!,
    commitLookup: !values['no-commit-lookup'],
    config,
  };
}

/** The environments to report: the concrete ones, then the family members with records. */
async function environmentsToReport(
  options: Options,
  history: DeploymentHistory,
): Promise<EnvironmentInfo[]> {
  if (options.environments !== 'all') return options.environments;
  const { config } = options;
  const members = await history.environmentsSince(options.window.since, (name) =>
    Boolean(environmentByName(config, name)?.family),
  );
  return [
    ...concreteEnvironments(config),
    ...members.map((name) => environmentByName(config, name)!),
  ];
}

async function environmentReport(
  info: EnvironmentInfo,
  options: Options,
  history: DeploymentHistory,
  serverUrl: string,
): Promise<EnvironmentReport> {
  const { owner, repo } = options.repository;
  const records = await history.records(info.name, options.window.since);
  const shas = commitsToLookUp(records, options.window);
  const lookedUp = options.commitLookup && shas.length > 0 ? await history.commitTimes(shas) : null;
  let missingBecause: string | null = null;
  if (shas.length > 0 && !options.commitLookup)
    missingBecause = 'no committed_at in the record, and --no-commit-lookup';
  else if (lookedUp && lookedUp.notFound.length > 0)
    missingBecause = 'no committed_at in the record, and GitHub did not give the commit';
  const figures = environmentFigures(info.name, records, options.window, lookedUp?.times);
  const runId = figures.runsNow?.runId;
  return {
    ...figures,
    family: info.family,
    approvedBy:
      info.approval && runId !== undefined ? await history.approvers(runId, info.name) : undefined,
    deploymentsPage: `${serverUrl}/${owner}/${repo}/deployments/${encodeURIComponent(info.name)}`,
    commitTimesMissingBecause: missingBecause,
  };
}

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  print: (text: string) => void = (text) => process.stdout.write(text),
  warn: (line: string) => void = (line) => console.error(line),
  now: () => Date = () => new Date(),
): Promise<number> {
  try {
    const options = parseOptions(argv, now());
    if (options === 'help') {
      print(`${USAGE}\n`);
      return 0;
    }
    const token = env.GITHUB_TOKEN || env.GH_TOKEN;
    if (!token)
      throw new UsageError(
        'Could not read the deployment records: no token. Set GITHUB_TOKEN (or GH_TOKEN) to a token that may read the repository, for example GITHUB_TOKEN=$(gh auth token) pnpm deploy-report.',
      );
    const github = gitHubClient(token, {
      baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
      userAgent: 'pipelines-deploy-report',
      warn,
    });
    const history = new DeploymentHistory(github, options.repository);
    // Where the deployments pages are: github.com, or a GitHub Enterprise Server's own host.
    const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    const environments: EnvironmentReport[] = [];
    for (const info of await environmentsToReport(options, history))
      environments.push(await environmentReport(info, options, history, serverUrl));
    const report: Report = {
      repository: `${options.repository.owner}/${options.repository.repo}`,
      days: options.days,
      window: options.window,
      environments,
    };
    print(options.json ? reportJson(report) : reportText(report));
    return 0;
  } catch (error) {
    warn(`deploy-report: ${errorMessage(error)}`);
    return error instanceof UsageError ? 2 : 1;
  }
}
