/**
 * What the pipeline says it produced, read by job id and step id: each result is a job output
 * (`upload`'s `version-id`), which the workflow declares as `${{ steps.<id>.outputs.<name> }}`;
 * the act log holds what each step of each job set. No lookup by output name across all jobs: a
 * cache step's `key` is not the package's key.
 */
import { parse } from 'yaml';

/** The step output a job output is: `upload`'s `version-id` is step `upload`'s `version-id`. */
export interface StepOutputRef {
  readonly job: string;
  readonly step: string;
  readonly name: string;
}

/** outputs[job][step][name], as the act log (ActLog.outputs) holds them. */
export type StepOutputs = ReadonlyMap<
  string,
  ReadonlyMap<string, Readonly<Record<string, string>>>
>;

/** job -> job output name -> the step output it reads. */
export type JobOutputSources = ReadonlyMap<string, ReadonlyMap<string, StepOutputRef>>;

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const stepOutputExpression = /^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$/;

/** The job outputs of a workflow that are a plain step output (the others cannot be read back). */
export function jobOutputSources(workflowText: string): JobOutputSources {
  const sources = new Map<string, Map<string, StepOutputRef>>();
  for (const [job, raw] of Object.entries(record(record(parse(workflowText)).jobs))) {
    const outputs = new Map<string, StepOutputRef>();
    for (const [name, expression] of Object.entries(record(record(raw).outputs))) {
      const match =
        typeof expression === 'string' ? stepOutputExpression.exec(expression.trim()) : null;
      if (match) outputs.set(name, { job, step: match[1] ?? '', name: match[2] ?? '' });
    }
    sources.set(job, outputs);
  }
  return sources;
}

/** What a step set under a name; undefined when it set nothing (or an empty value). */
export function stepOutput(outputs: StepOutputs, ref: StepOutputRef): string | undefined {
  const value = outputs.get(ref.job)?.get(ref.step)?.[ref.name];
  return value === '' ? undefined : value;
}

/** A job's output, from the step its declaration names. */
export function jobOutput(
  outputs: StepOutputs,
  sources: JobOutputSources,
  job: string,
  name: string,
): string | undefined {
  const ref = sources.get(job)?.get(name);
  return ref ? stepOutput(outputs, ref) : undefined;
}

/** The results the rehearsal checks against the local AWS. */
export interface PipelineResults {
  environment?: string;
  bucket?: string;
  key?: string;
  versionId?: string;
  digest?: string;
  imageUri?: string;
  /** Every image pushed: release-candidate's `images` (JSON [{repository, digest, ...}]). */
  images?: string;
}

/**
 * Where each result comes from: job outputs, first found wins. The upload job reports where the
 * package went; a workflow whose upload job does not (it takes them from resolve) falls back to
 * the resolve job's outputs.
 */
export const RESULT_SOURCES: Readonly<
  Record<keyof PipelineResults, readonly (readonly [job: string, output: string])[]>
> = {
  environment: [['resolve', 'environment']],
  bucket: [
    ['upload', 'bucket'],
    ['resolve', 'bucket'],
  ],
  key: [
    ['upload', 'key'],
    ['resolve', 'key'],
  ],
  versionId: [['upload', 'version-id']],
  // The first image (the deployment record's); a workflow without a release-candidate job (the
  // rehearsal's own fixture) reports it from its images job.
  digest: [
    ['release-candidate', 'image-digest'],
    ['images', 'digest'],
  ],
  imageUri: [
    ['release-candidate', 'image-uri'],
    ['images', 'image-uri'],
  ],
  images: [['release-candidate', 'images']],
};

export function pipelineResults(outputs: StepOutputs, sources: JobOutputSources): PipelineResults {
  const results: PipelineResults = {};
  for (const [result, places] of Object.entries(RESULT_SOURCES)) {
    for (const [job, name] of places) {
      const value = jobOutput(outputs, sources, job, name);
      if (value !== undefined) {
        results[result as keyof PipelineResults] = value;
        break;
      }
    }
  }
  return results;
}

/** One entry of release-candidate's `images` list as written; whoever uses it checks its fields. */
export interface ListedImage {
  readonly service?: unknown;
  readonly repository?: unknown;
  readonly digest?: unknown;
}

/**
 * release-candidate's `images` output (JSON [{service, repository, digest, ...}]) read as a list
 * of objects; unreadable, absent or not a list: empty. Pure.
 */
export function listedImages(json: string | undefined): ListedImage[] {
  let list: unknown;
  try {
    list = JSON.parse(json ?? '[]');
  } catch {
    return [];
  }
  return Array.isArray(list)
    ? list.filter((image): image is ListedImage => typeof image === 'object' && image !== null)
    : [];
}
