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
}

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
    return { id, needs, ...(typeof env === 'string' ? { environment: env } : {}) };
  });
}

/**
 * The jobs GitHub would hold for a reviewer: those declaring an approval environment, and every
 * job that needs one of them (directly or not), since those cannot start before it.
 */
export function heldJobs(jobs: readonly WorkflowJob[], approvalEnvironments: readonly string[]) {
  const held = new Set(
    jobs
      .filter(
        (job) => job.environment !== undefined && approvalEnvironments.includes(job.environment),
      )
      .map((job) => job.id),
  );
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

/**
 * The workflow as act runs it: the same file with the held jobs removed (act has no required
 * reviewers and ignores `environment:`, so leaving them out is how the rehearsal waits), and
 * without `environment.deployment`, a GitHub property (2025) that act 0.2.89's schema rejects.
 */
export function workflowForAct(yamlText: string, remove: readonly string[]): string {
  const doc = parseDocument(yamlText);
  for (const id of remove) doc.deleteIn(['jobs', id]);
  const jobs = record(doc.toJS()).jobs;
  for (const id of Object.keys(record(jobs))) {
    if (doc.hasIn(['jobs', id, 'environment', 'deployment'])) {
      doc.deleteIn(['jobs', id, 'environment', 'deployment']);
    }
  }
  return doc.toString();
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
