/**
 * What one push does, computed from the workflow file itself: whether the push triggers it, which
 * jobs run (conditions evaluated like the runner, skipped needs propagating), and which
 * environment each running job enters. A job that runs succeeds unless it is named in `failing`.
 */
import { jobCondition, renderTemplate, type JobResult, type Value } from './expressions';
import { parseRef, pushTriggers } from './triggers';
import type { JobModel, WorkflowModel } from './workflowModel';

export interface EnvironmentEntry {
  job: string;
  environment: string;
  /** true for a deployment (false: `deployment: false`, the environment is entered for its variables). */
  deployment: boolean;
}

export interface Route {
  triggered: boolean;
  results: Record<string, JobResult>;
  /** Jobs that run, in dependency order. */
  ran: string[];
  environments: EnvironmentEntry[];
}

export interface RouteInput {
  ref: string;
  sha?: string;
  /** Outputs of the jobs that run (only resolve's matter for routing); others have none. */
  outputsOf: (job: string) => Record<string, string>;
  vars?: Record<string, string>;
  /** Jobs that fail when they run (for example resolve refusing a hostile ref). */
  failing?: readonly string[];
}

/** Jobs ordered so that every job comes after its needs; fails on unknown needs or cycles. */
export function dependencyOrder(jobs: readonly JobModel[]): JobModel[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: JobModel[] = [];
  const visit = (job: JobModel) => {
    if (done.has(job.id)) return;
    if (visiting.has(job.id)) throw new Error(`needs cycle through job ${job.id}`);
    visiting.add(job.id);
    for (const need of job.needs) {
      const dep = byId.get(need);
      if (!dep) throw new Error(`job ${job.id} needs unknown job ${need}`);
      visit(dep);
    }
    visiting.delete(job.id);
    done.add(job.id);
    order.push(job);
  };
  jobs.forEach(visit);
  return order;
}

export function route(workflow: WorkflowModel, input: RouteInput): Route {
  const results: Record<string, JobResult> = {};
  const ran: string[] = [];
  const environments: EnvironmentEntry[] = [];
  if (!pushTriggers(workflow.on, input.ref)) {
    return { triggered: false, results, ran, environments };
  }
  const ref = parseRef(input.ref);
  const github: Value = {
    event_name: 'push',
    ref: input.ref,
    ref_name: ref?.name ?? '',
    ref_type: ref?.kind ?? '',
    sha: input.sha ?? '0123456789abcdef0123456789abcdef01234567',
  };
  for (const job of dependencyOrder(workflow.jobs)) {
    const needs: Record<string, Value> = {};
    for (const need of job.needs) {
      const result = results[need] ?? 'skipped';
      needs[need] = { result, outputs: result === 'success' ? input.outputsOf(need) : {} };
    }
    const scope = {
      contexts: { github, needs, vars: input.vars ?? {}, inputs: {} },
      needsResults: job.needs.map((n) => results[n] ?? 'skipped'),
    };
    const runs = jobCondition(job.if, scope);
    results[job.id] = !runs ? 'skipped' : input.failing?.includes(job.id) ? 'failure' : 'success';
    if (!runs) continue;
    ran.push(job.id);
    if (job.environment) {
      environments.push({
        job: job.id,
        environment: renderTemplate(job.environment.name, scope),
        deployment: job.environment.deployment,
      });
    }
  }
  return { triggered: true, results, ran, environments };
}
