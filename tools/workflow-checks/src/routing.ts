/**
 * What one push does, computed from the workflow file itself: whether the push triggers it, which
 * jobs run (conditions evaluated like the runner, skipped needs propagating), and which
 * environment each running job enters. A job that runs succeeds unless it is named in `failing`.
 */
import {
  evaluateValue,
  jobCondition,
  renderTemplate,
  type JobResult,
  type Scope,
  type Value,
} from './expressions';
import { parseRef, pushTriggers } from './triggers';
import type { JobModel, WorkflowModel } from './workflowModel';

export interface EnvironmentEntry {
  job: string;
  environment: string;
  /** true for a deployment (false: `deployment: false`, the environment is entered for its variables). */
  deployment: boolean;
}

export interface ConcurrencyEntry {
  job: string;
  /** The group name as GitHub computes it for this run. */
  group: string;
}

export interface Route {
  triggered: boolean;
  results: Record<string, JobResult>;
  /** Jobs that run, in dependency order. */
  ran: string[];
  environments: EnvironmentEntry[];
  /** The job-level concurrency group of each running job that has one. */
  concurrency: ConcurrencyEntry[];
  /** The contexts each running job sees (to render its steps' inputs). */
  scopes: Record<string, Scope>;
  /**
   * A matrix job's legs: the contexts each leg sees, with its `matrix` (one leg per combination
   * of the matrix's lists, expressions evaluated as the runner does before the job starts).
   */
  legs: Record<string, Scope[]>;
}

export interface RouteInput {
  ref: string;
  /** push (the default) or workflow_dispatch, with its `inputs`. */
  event?: 'push' | 'workflow_dispatch';
  inputs?: Record<string, string>;
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
  const concurrency: ConcurrencyEntry[] = [];
  const scopes: Record<string, Scope> = {};
  const legs: Record<string, Scope[]> = {};
  const event = input.event ?? 'push';
  const triggered =
    event === 'push' ? pushTriggers(workflow.on, input.ref) : dispatchable(workflow.on);
  if (!triggered) {
    return { triggered: false, results, ran, environments, concurrency, scopes, legs };
  }
  const ref = parseRef(input.ref);
  const github: Value = {
    event_name: event,
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
      contexts: { github, needs, vars: input.vars ?? {}, inputs: input.inputs ?? {} },
      needsResults: job.needs.map((n) => results[n] ?? 'skipped'),
    };
    const runs = jobCondition(job.if, scope);
    results[job.id] = !runs ? 'skipped' : input.failing?.includes(job.id) ? 'failure' : 'success';
    if (!runs) continue;
    ran.push(job.id);
    scopes[job.id] = scope;
    if (job.matrix) {
      legs[job.id] = matrixLegs(job.matrix, scope).map((matrix) => ({
        ...scope,
        contexts: { ...scope.contexts, matrix },
      }));
    }
    if (job.environment) {
      environments.push({
        job: job.id,
        environment: renderTemplate(job.environment.name, scope),
        deployment: job.environment.deployment,
      });
    }
    if (job.concurrency) {
      concurrency.push({ job: job.id, group: renderTemplate(job.concurrency.group, scope) });
    }
  }
  return { triggered: true, results, ran, environments, concurrency, scopes, legs };
}

/** Every combination of a matrix's lists (include/exclude are not modelled: none is used). */
function matrixLegs(matrix: Record<string, unknown>, scope: Scope): Record<string, Value>[] {
  let combinations: Record<string, Value>[] = [{}];
  for (const [key, written] of Object.entries(matrix)) {
    const values = evaluateValue(written, scope);
    if (!Array.isArray(values)) throw new Error(`matrix ${key} is not a list: ${String(written)}`);
    combinations = combinations.flatMap((leg) => values.map((value) => ({ ...leg, [key]: value })));
  }
  return combinations;
}

/** Whether `on:` lets anyone start the workflow by hand (workflow_dispatch). */
function dispatchable(on: unknown): boolean {
  if (on === 'workflow_dispatch') return true;
  if (Array.isArray(on)) return on.includes('workflow_dispatch');
  return Boolean(on && typeof on === 'object' && 'workflow_dispatch' in on);
}
