/**
 * What the rehearsal reads from the workflow file: its jobs and their needs, the jobs behind an
 * approval environment (the hold), and the third-party actions it uses (which get local
 * stand-ins). Pure functions of the YAML text.
 */
import { parse, parseDocument } from 'yaml';

export interface WorkflowJob {
  readonly id: string;
  readonly needs: readonly string[];
  /** The environment the job declares (`environment: prod` or `environment: {name: prod}`). */
  readonly environment?: string;
  /** The job's `if:` condition, when it has one. */
  readonly condition?: string;
}

/** How the pipeline's approval job declares its environment: the one resolve decided. */
const RESOLVED_ENVIRONMENT = /^\$\{\{\s*needs\.resolve\.outputs\.environment\s*\}\}$/;
/** A condition that runs the job only when the ref's environment waits for approval. */
const ONLY_WITH_APPROVAL = /needs\.resolve\.outputs\.approval\s*==\s*'true'/;

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function workflowJobs(yamlText: string): WorkflowJob[] {
  const jobs = record(record(parse(yamlText)).jobs);
  return Object.entries(jobs).map(([id, raw]) => {
    const job = record(raw);
    const needs = Array.isArray(job.needs)
      ? job.needs.filter((n): n is string => typeof n === 'string')
      : typeof job.needs === 'string'
        ? [job.needs]
        : [];
    const env =
      typeof job.environment === 'string' ? job.environment : record(job.environment).name;
    return {
      id,
      needs,
      ...(typeof env === 'string' ? { environment: env } : {}),
      ...(typeof job.if === 'string' ? { condition: job.if } : {}),
    };
  });
}

/**
 * The jobs GitHub would hold for a reviewer: those declaring an approval environment, and every
 * job that needs one of them (directly or not), since those cannot start before it.
 */
export function heldJobs(jobs: readonly WorkflowJob[], approvalEnvironments: readonly string[]) {
  // Asked for runs whose environment waits for approval: a job that declares the environment
  // resolve decided, and runs only on such runs, enters that approval environment.
  const entersApproval = (job: WorkflowJob) =>
    job.environment !== undefined &&
    (approvalEnvironments.includes(job.environment) ||
      (approvalEnvironments.length > 0 &&
        RESOLVED_ENVIRONMENT.test(job.environment) &&
        ONLY_WITH_APPROVAL.test(job.condition ?? '')));
  const held = new Set(jobs.filter(entersApproval).map((job) => job.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const job of jobs) {
      if (!held.has(job.id) && job.needs.some((need) => held.has(need))) {
        held.add(job.id);
        grew = true;
      }
    }
  }
  return jobs.filter((job) => held.has(job.id)).map((job) => job.id);
}

/** The composite setup action; the rehearsal runs it without the dependency cache. */
const SETUP_ACTION = './.github/actions/setup';

/** The configure-aws-credentials steps get the job's environment from the rehearsal. */
const CREDENTIALS_ACTION = /^aws-actions\/configure-aws-credentials@/;

/**
 * Whether a job's GITHUB_TOKEN may request an OIDC token: the job's `permissions` replace the
 * workflow's; `id-token` is `none` unless granted (`id-token: write` or `write-all`), in both
 * default permission sets.
 */
export function mayRequestIdToken(workflowPermissions: unknown, jobPermissions: unknown): boolean {
  const permissions = jobPermissions !== undefined ? jobPermissions : workflowPermissions;
  if (permissions === 'write-all') return true;
  return record(permissions)['id-token'] === 'write';
}

/**
 * The workflow as act runs it: the same file with the held jobs removed (act has no required
 * reviewers and ignores `environment:`, so leaving them out is how the rehearsal waits), and
 * without `environment.deployment`, a GitHub property (2025) that act 0.2.89's schema rejects.
 * The setup action gets `cache-backend: none`: every job runs on this machine and shares its warm
 * pnpm store, so restoring a cached copy would only copy the store onto itself. Its reused build
 * outputs (`reuse-backend`) stay on the GitHub backend, which act's cache server serves from a
 * folder kept between runs (workspace.ts reuseCacheFolder): that is what makes a second run warm.
 * A setup step without a filter (the cache-dependencies job: the whole workspace, installed so that
 * the store it saves is complete) gets `install: false`: this machine's store is complete since
 * bootstrap's frozen install of the same lockfile, nothing is saved, and every later job still
 * runs its own frozen install.
 * Since act ignores `environment:` and `permissions:`, each configure-aws-credentials step gets
 * the job's environment name (the same expression) as REHEARSAL_JOB_ENVIRONMENT, so that its OIDC
 * token carries it as GitHub's does, and REHEARSAL_ID_TOKEN (`write` or `none`), so that a job
 * without `id-token: write` gets no token, as on GitHub.
 * When the server rollout is not rehearsed (`rollout: false`: no test hosts, see servers.ts), each
 * server-rollout step becomes a warning saying so: without servers it could only fail.
 */
export function workflowForAct(
  yamlText: string,
  remove: readonly string[],
  options: { readonly rollout: boolean } = { rollout: true },
): string {
  const doc = parseDocument(yamlText);
  for (const id of remove) doc.deleteIn(['jobs', id]);
  const workflow = record(doc.toJS());
  const jobs = workflow.jobs;
  const environments = new Map(workflowJobs(doc.toString()).map((j) => [j.id, j.environment]));
  for (const [id, job] of Object.entries(record(jobs))) {
    if (doc.hasIn(['jobs', id, 'environment', 'deployment'])) {
      doc.deleteIn(['jobs', id, 'environment', 'deployment']);
    }
    const steps = record(job).steps;
    const environment = environments.get(id);
    (Array.isArray(steps) ? steps : []).forEach((step, index) => {
      const uses = record(step).uses;
      if (uses === SETUP_ACTION) {
        doc.setIn(['jobs', id, 'steps', index, 'with', 'cache-backend'], 'none');
        // No filter: the whole workspace, installed only so that the store saved is complete.
        if (!record(record(step).with).filter) {
          doc.setIn(['jobs', id, 'steps', index, 'with', 'install'], 'false');
        }
      }
      if (typeof uses === 'string' && CREDENTIALS_ACTION.test(uses)) {
        const env = ['jobs', id, 'steps', index, 'env'];
        if (environment !== undefined)
          doc.setIn([...env, 'REHEARSAL_JOB_ENVIRONMENT'], environment);
        const idToken = mayRequestIdToken(workflow.permissions, record(job).permissions);
        doc.setIn([...env, 'REHEARSAL_ID_TOKEN'], idToken ? 'write' : 'none');
      }
      if (uses === SERVER_ROLLOUT_ACTION && !options.rollout) {
        const path = ['jobs', id, 'steps', index];
        doc.deleteIn([...path, 'uses']);
        doc.deleteIn([...path, 'with']);
        doc.setIn(
          [...path, 'env', 'NOT_REHEARSED'],
          'Not rehearsed: the server rollout (no test hosts: --no-servers, or not root).',
        );
        doc.setIn([...path, 'run'], 'echo "::warning::$NOT_REHEARSED"');
        return;
      }
      const run = record(step).run;
      const service = typeof run === 'string' ? needsInternet(run) : undefined;
      if (typeof run === 'string' && service) {
        // The message goes through the environment, never into the script.
        doc.setIn(
          ['jobs', id, 'steps', index, 'env', 'NOT_REHEARSED'],
          `Not rehearsed: "${run.trim()}" needs ${service}, which a rehearsal cannot reach.`,
        );
        doc.setIn(['jobs', id, 'steps', index, 'run'], 'echo "::warning::$NOT_REHEARSED"');
      }
    });
  }
  return doc.toString();
}

/** The step that rolls releases out to the servers (through SSM, to test hosts here). */
export const SERVER_ROLLOUT_ACTION = './actions/server-rollout';

/**
 * Steps that need an internet service (not a package registry): a rehearsal cannot run them, so
 * they become a warning saying so (the run's log shows it; the rest of the job runs as written).
 */
export function needsInternet(run: string): string | undefined {
  const command = run.trim();
  if (/^\s*pnpm dlx snyk@/m.test(command)) return "Snyk or the npm registry's audit service";
  if (/^\s*pnpm audit\b/m.test(command)) return "the npm registry's audit service";
  return undefined;
}

/** A third-party action reference: `owner/repo[/path]@ref`. */
export interface RemoteUse {
  readonly uses: string;
  /** owner/repo (what --local-repository matches, with the ref). */
  readonly repository: string;
  readonly ref: string;
}

/** Every `uses:` of a remote action in a workflow or composite action.yml. */
export function remoteUses(yamlText: string): RemoteUse[] {
  const found = new Map<string, RemoteUse>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'uses' && typeof value === 'string') {
        const match = /^([^./][^/@]*\/[^/@]+)(\/[^@]*)?@(.+)$/.exec(value.trim());
        if (match && !value.startsWith('docker://')) {
          const [, repository = '', , ref = ''] = match;
          found.set(`${repository}@${ref}`, { uses: value.trim(), repository, ref });
        }
      } else visit(value);
    }
  };
  visit(parse(yamlText));
  return [...found.values()];
}

/** The local actions (`uses: ./path`) a workflow or composite action refers to. */
export function localUses(yamlText: string): string[] {
  const found = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'uses' && typeof value === 'string' && value.startsWith('./')) found.add(value);
      else visit(value);
    }
  };
  visit(parse(yamlText));
  return [...found];
}

/** What a job did in the run before the hold: its result and the outputs its steps set. */
export interface RanJob {
  readonly state: 'success' | 'skipped' | 'failure' | 'running';
  /** outputs[stepId][name], as act reported them. */
  readonly stepOutputs: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

const stepOutput = /^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$/;

/**
 * The workflow that resumes a held run after approval, as GitHub does: the held jobs run for
 * real; every other job is replayed, not re-run: it keeps its `needs` and gets its outputs from
 * the run before the hold (the values the reviewers saw), with one step that does nothing. A job
 * that was skipped before the hold is skipped again (`if: false`). A job output that is not a plain
 * `${{ steps.<id>.outputs.<name> }}` cannot be replayed and is refused.
 */
export function workflowForResume(
  yamlText: string,
  held: readonly string[],
  ran: ReadonlyMap<string, RanJob>,
  options: { readonly rollout: boolean } = { rollout: true },
): string {
  const doc = parseDocument(yamlText);
  const jobs = record(record(doc.toJS()).jobs);
  for (const [id, raw] of Object.entries(jobs)) {
    if (held.includes(id)) continue;
    const job = record(raw);
    const before = ran.get(id);
    if (!before || before.state === 'skipped') {
      doc.setIn(['jobs', id, 'if'], false);
      continue;
    }
    if (before.state !== 'success') {
      throw new Error(`job ${id} ended with ${before.state} before the hold: nothing to approve`);
    }
    const outputs: Record<string, string> = {};
    for (const [name, expression] of Object.entries(record(job.outputs))) {
      const match = typeof expression === 'string' ? stepOutput.exec(expression.trim()) : null;
      if (!match) {
        throw new Error(
          `job ${id} output ${name} (${String(expression)}) is not \${{ steps.<id>.outputs.<name> }}: it cannot be replayed after the hold`,
        );
      }
      const value = before.stepOutputs.get(match[1] ?? '')?.[match[2] ?? ''] ?? '';
      if (value.includes('${{')) throw new Error(`job ${id} output ${name} holds an expression`);
      outputs[name] = value;
    }
    for (const key of ['if', 'environment', 'concurrency', 'outputs', 'steps', 'env']) {
      doc.deleteIn(['jobs', id, key]);
    }
    if (Object.keys(outputs).length) doc.setIn(['jobs', id, 'outputs'], outputs);
    doc.setIn(
      ['jobs', id, 'steps'],
      [
        {
          name: 'Replayed (ran before the hold)',
          run: 'echo "outputs from the run before the hold"',
        },
      ],
    );
  }
  return workflowForAct(doc.toString(), [], options);
}
