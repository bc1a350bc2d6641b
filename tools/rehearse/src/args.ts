/** The rehearsal's command line, parsed and checked. Pure. */
import { parseArgs } from 'node:util';
import { shellWord } from '@pipelines/action-kit/shellWord';

const DEFAULT_WORKFLOW = '.github/workflows/pipeline.yml';

export interface CliOptions {
  ref: string;
  approve: boolean;
  keep: boolean;
  /** Forget the deployment records earlier rehearsals left in the local GitHub. */
  fresh: boolean;
  /** Rehearse the server rollout on test hosts (needs root); --no-servers: leave it out. */
  servers: boolean;
  worktree: boolean;
  verbose: boolean;
  workflow: string;
  /** The repository to rehearse (default: this one). */
  repo?: string;
  help: boolean;
}

export const usage = `Usage: bash scripts/rehearse.sh [options]

Rehearses the pipeline on this machine: starts a local AWS (moto and an OCI registry), provisions
it from environments.yml, runs .github/workflows/pipeline.yml for a push of --ref with nektos/act,
and verifies the deploy in the local AWS.

Options:
  --ref <ref>        the pushed ref, refs/heads/<branch> or refs/tags/<tag>
                     (default refs/heads/integration)
  --approve          for an approval environment (prod): approve, so the deploy after the hold runs
  --keep             keep the local AWS running at the end and print how to use it; Ctrl-C stops it
  --fresh            forget what earlier rehearsals deployed (the local GitHub's deployment records)
  --no-servers       do not rehearse the server rollout (by default, when the environment owns its
                     tier's servers and this runs as root, it runs on Debian test hosts booted here)
  --worktree         rehearse the working tree as it is (uncommitted changes too), not HEAD
  --workflow <path>  the workflow file (default .github/workflows/pipeline.yml)
  --repo <dir>       the git repository to rehearse (default: this one)
  --verbose          print every line the steps print
  -h, --help         this text

Exit status: 0 deployed and verified (or the ref deploys nowhere and the checks passed);
3 stopped at the hold, waiting for approval (everything before it verified, the environment
unchanged); 1 failed; 2 bad command line; 130 interrupted.`;

export class UsageError extends Error {}

export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ref: { type: 'string', default: 'refs/heads/integration' },
        approve: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        'no-servers': { type: 'boolean', default: false },
        worktree: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        workflow: { type: 'string', default: DEFAULT_WORKFLOW },
        repo: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}. See --help.`);
  }
  const v = parsed.values;
  const ref = v.ref ?? 'refs/heads/integration';
  if (!/^refs\/(heads|tags)\/[^\s]+$/.test(ref)) {
    throw new UsageError(
      `--ref "${ref}" is not a full branch or tag ref. Use refs/heads/<branch> or refs/tags/<tag>, e.g. --ref refs/tags/staging.`,
    );
  }
  if (v.workflow?.startsWith('/') || v.workflow?.includes('..')) {
    throw new UsageError(
      `--workflow must be a path inside the repository, like .github/workflows/pipeline.yml.`,
    );
  }
  return {
    ref,
    approve: v.approve ?? false,
    keep: v.keep ?? false,
    fresh: v.fresh ?? false,
    servers: !(v['no-servers'] ?? false),
    worktree: v.worktree ?? false,
    verbose: v.verbose ?? false,
    workflow: v.workflow ?? DEFAULT_WORKFLOW,
    ...(v.repo ? { repo: v.repo } : {}),
    help: v.help ?? false,
  };
}

/**
 * The command that goes on past the hold: the held rehearsal's own options that choose what is
 * rehearsed (the repository, the working tree, the workflow, the servers), and --approve. Without
 * them the approval would rehearse something else than what the reviewer was shown (another
 * workflow, HEAD instead of the working tree, or boot the servers the held run left out).
 */
export function approveCommand(
  options: Pick<CliOptions, 'ref' | 'worktree' | 'workflow' | 'repo'> & { servers?: boolean },
): string {
  return [
    'bash scripts/rehearse.sh',
    `--ref ${shellWord(options.ref)}`,
    ...(options.repo ? [`--repo ${shellWord(options.repo)}`] : []),
    ...(options.worktree ? ['--worktree'] : []),
    ...(options.workflow !== DEFAULT_WORKFLOW ? [`--workflow ${shellWord(options.workflow)}`] : []),
    ...(options.servers === false ? ['--no-servers'] : []),
    '--approve',
  ].join(' ');
}
