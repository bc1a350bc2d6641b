/**
 * The parts of a workflow (or composite action) file the checks reason about, read with `yaml`:
 * triggers, jobs with their needs, conditions and environments, and the steps' `uses`/`with`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface StepModel {
  /** Where the step is, for messages: `<job>.steps[<i>]` or `runs.steps[<i>]`. */
  where: string;
  uses?: string;
  /** The shell script of a `run:` step. */
  run?: string;
  with: Record<string, unknown>;
}

export interface EnvironmentModel {
  /** The name as written (it may hold `${{ }}` expressions). */
  name: string;
  url?: string;
  /** false when the job declares `deployment: false` (no deployment record, same protection). */
  deployment: boolean;
}

export interface ConcurrencyModel {
  /** The group as written (it may hold `${{ }}` expressions). */
  group: string;
  cancelInProgress: unknown;
}

export interface JobModel {
  id: string;
  needs: string[];
  if?: string;
  environment?: EnvironmentModel;
  /** The job's `permissions` map (`{}` when it declares none). */
  permissions: Record<string, unknown>;
  concurrency?: ConcurrencyModel;
  /** `strategy.matrix` as written: each key a list, or a `${{ }}` expression giving one. */
  matrix?: Record<string, unknown>;
  steps: StepModel[];
}

export interface WorkflowModel {
  on: unknown;
  /** Workflow-level concurrency, if any. */
  concurrency?: ConcurrencyModel;
  jobs: JobModel[];
}

type Yaml = Record<string, unknown>;

const asRecord = (v: unknown): Yaml => (v && typeof v === 'object' ? (v as Yaml) : {});

function steps(list: unknown, prefix: string): StepModel[] {
  return (Array.isArray(list) ? list : []).map((raw, i) => {
    const step = asRecord(raw);
    return {
      where: `${prefix}.steps[${i}]`,
      ...(typeof step.uses === 'string' ? { uses: step.uses } : {}),
      ...(typeof step.run === 'string' ? { run: step.run } : {}),
      with: asRecord(step.with),
    };
  });
}

function environment(raw: unknown): EnvironmentModel | undefined {
  if (typeof raw === 'string') return { name: raw, deployment: true };
  if (raw && typeof raw === 'object') {
    const env = raw as Yaml;
    return {
      name: String(env.name),
      ...(typeof env.url === 'string' ? { url: env.url } : {}),
      deployment: env.deployment !== false,
    };
  }
  return undefined;
}

function concurrency(raw: unknown): ConcurrencyModel | undefined {
  if (typeof raw === 'string') return { group: raw, cancelInProgress: false };
  if (raw && typeof raw === 'object') {
    const c = raw as Yaml;
    return { group: String(c.group), cancelInProgress: c['cancel-in-progress'] ?? false };
  }
  return undefined;
}

export function workflowFromText(text: string): WorkflowModel {
  const doc = asRecord(parse(text));
  const jobs = Object.entries(asRecord(doc.jobs)).map(([id, raw]): JobModel => {
    const job = asRecord(raw);
    const needs = job.needs === undefined ? [] : [job.needs].flat().map(String);
    const env = environment(job.environment);
    const group = concurrency(job.concurrency);
    const matrix = asRecord(asRecord(job.strategy).matrix);
    return {
      id,
      needs,
      ...(job.if === undefined ? {} : { if: String(job.if) }),
      ...(env ? { environment: env } : {}),
      permissions: asRecord(job.permissions),
      ...(group ? { concurrency: group } : {}),
      ...(Object.keys(matrix).length > 0 ? { matrix } : {}),
      steps: steps(job.steps, id),
    };
  });
  const group = concurrency(doc.concurrency);
  return { on: doc.on, ...(group ? { concurrency: group } : {}), jobs };
}

export function readWorkflow(file: string): WorkflowModel {
  return workflowFromText(readFileSync(file, 'utf8'));
}

/** The steps of a composite action (runs.steps), or none for a node/docker action. */
export function compositeSteps(text: string): StepModel[] {
  return steps(asRecord(asRecord(parse(text)).runs).steps, 'runs');
}
