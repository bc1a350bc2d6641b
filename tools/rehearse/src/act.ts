/**
 * How the rehearsal calls nektos/act: the push event, the command line (pure, tested), and the
 * process environment it gets (the caller's, minus anything that could reach real AWS or GitHub).
 */
import { type RemoteUse } from './workflow';

export interface PushEvent {
  ref: string;
  sha: string;
  repository: string;
  defaultBranch: string;
  message: string;
}

/** The payload GitHub sends for a push, with the fields workflows and act read. */
export function pushEventPayload(event: PushEvent): Record<string, unknown> {
  const [owner = '', name = ''] = event.repository.split('/');
  return {
    ref: event.ref,
    before: '0'.repeat(40),
    after: event.sha,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/${event.repository}/commit/${event.sha}`,
    head_commit: { id: event.sha, message: event.message, distinct: true },
    commits: [{ id: event.sha, message: event.message, distinct: true }],
    pusher: { name: 'rehearsal', email: 'rehearsal@localhost' },
    sender: { login: 'rehearsal', type: 'User' },
    repository: {
      full_name: event.repository,
      name,
      owner: { login: owner, name: owner },
      default_branch: event.defaultBranch,
      private: false,
    },
  };
}

export interface ActInvocation {
  /** The folder act runs in (a checkout: act copies it into each job's workspace). */
  directory: string;
  workflow: string;
  eventPath: string;
  /** owner/repo@ref -> local folder. */
  localRepositories: readonly { use: RemoteUse; folder: string }[];
  vars: Readonly<Record<string, string>>;
  secrets: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string>>;
  artifactPath: string;
  artifactPort: number;
  cachePath: string;
  cachePort: number;
  actionCachePath: string;
  job?: string;
}

/** act's arguments: host mode, JSON log, every server on loopback, nothing fetched. */
export function actArguments(run: ActInvocation): string[] {
  const args = [
    'push',
    '--directory',
    run.directory,
    '--workflows',
    run.workflow,
    '--eventpath',
    run.eventPath,
    // Host mode: steps run on this machine, as on a self-hosted runner (no Docker here).
    '--platform',
    'ubuntu-latest=-self-hosted',
    '--json',
    '--action-offline-mode',
    '--action-cache-path',
    run.actionCachePath,
    // act's servers default to 192.0.2.2 and fixed ports: keep them on loopback, on probed ports.
    '--artifact-server-path',
    run.artifactPath,
    '--artifact-server-addr',
    '127.0.0.1',
    '--artifact-server-port',
    String(run.artifactPort),
    '--cache-server-path',
    run.cachePath,
    '--cache-server-addr',
    '127.0.0.1',
    '--cache-server-port',
    String(run.cachePort),
  ];
  for (const { use, folder } of run.localRepositories) {
    args.push('--local-repository', `${use.repository}@${use.ref}=${folder}`);
  }
  for (const [name, value] of Object.entries(run.vars)) args.push('--var', `${name}=${value}`);
  for (const [name, value] of Object.entries(run.secrets))
    args.push('--secret', `${name}=${value}`);
  for (const [name, value] of Object.entries(run.env)) args.push('--env', `${name}=${value}`);
  if (run.job) args.push('--job', run.job);
  return args;
}

/**
 * act in host mode passes its own environment to every step, so it gets the caller's minus real
 * cloud credentials and endpoints, runner variables and tokens: a rehearsal can only reach the
 * local AWS it was given.
 */
export function actEnvironment(
  base: NodeJS.ProcessEnv,
  pathPrefix: readonly string[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (/^(AWS_|ACTIONS_|GITHUB_|RUNNER_|INPUT_|STATE_|GH_|SNYK_)/.test(name)) continue;
    env[name] = value;
  }
  env.PATH = [...pathPrefix, base.PATH ?? '/usr/local/bin:/usr/bin:/bin'].join(':');
  return env;
}
