/**
 * What the rehearsal needs from environments.yml: where a ref deploys, and the names of what the
 * infra creates (buckets per tier, functions and image repositories per environment).
 *
 * A thin stand-in for the shared environments model (`loadEnvironments`, `resolveRef`,
 * `concreteEnvironments` from @pipelines/shared), which was being written at the same time. It
 * keeps the same names so that swapping it for the shared model is a change of import.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface EnvironmentSpec {
  readonly name: string;
  readonly tier: string;
  readonly approval: boolean;
  readonly branches: readonly string[];
  readonly tags: readonly string[];
  readonly branchPatterns: readonly string[];
  readonly tagPatterns: readonly string[];
}

export interface EnvironmentsModel {
  readonly project: { readonly name: string; readonly github: string; readonly region: string };
  readonly names: {
    readonly artifactKey: string;
    readonly functionName: string;
    readonly imageRepositories: readonly string[];
  };
  readonly tiers: Readonly<Record<string, { readonly bucket: string }>>;
  readonly environments: readonly EnvironmentSpec[];
  readonly buildOnly: { readonly branchPatterns: readonly string[] };
}

/** Where one ref goes. `environment` is undefined when the ref deploys nowhere. */
export interface Resolution {
  readonly environment?: string;
  readonly tier: string;
  readonly approval: boolean;
  readonly build: boolean;
  readonly deploy: boolean;
  readonly artifactKey?: string;
  readonly functionName?: string;
  readonly bucket?: string;
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
const text = (v: unknown, where: string): string => {
  if (typeof v !== 'string' || v === '') throw new Error(`environments.yml: ${where} is missing`);
  return v;
};

export function parseEnvironments(yamlText: string): EnvironmentsModel {
  const doc = record(parse(yamlText));
  const project = record(doc.project);
  const names = record(doc.names);
  const tiers = Object.fromEntries(
    Object.entries(record(doc.tiers)).map(([tier, v]) => [
      tier,
      { bucket: text(record(v).bucket, `tiers.${tier}.bucket`) },
    ]),
  );
  const environments = Object.entries(record(doc.environments)).map(([name, raw]) => {
    const v = record(raw);
    const tier = text(v.tier, `environments.${name}.tier`);
    if (!(tier in tiers)) throw new Error(`environments.yml: environments.${name}.tier is unknown`);
    return {
      name,
      tier,
      approval: v.approval === true,
      branches: strings(v.branches),
      tags: strings(v.tags),
      branchPatterns: strings(v['branch-patterns']),
      tagPatterns: strings(v['tag-patterns']),
    };
  });
  return {
    project: {
      name: text(project.name, 'project.name'),
      github: text(project.github, 'project.github'),
      region: text(project.region, 'project.region'),
    },
    names: {
      artifactKey: text(names['artifact-key'], 'names.artifact-key'),
      functionName: text(names['function-name'], 'names.function-name'),
      imageRepositories: strings(names['image-repositories']),
    },
    tiers,
    environments,
    buildOnly: { branchPatterns: strings(record(doc['build-only'])['branch-patterns']) },
  };
}

export function loadEnvironments(file: string): EnvironmentsModel {
  return parseEnvironments(readFileSync(file, 'utf8'));
}

/** Environments with a fixed name (not a family such as `int-{name}`). */
export function concreteEnvironments(model: EnvironmentsModel): EnvironmentSpec[] {
  return model.environments.filter((env) => !env.name.includes('{'));
}

/** Fills `{environment}`, `{tier}` and a family's named groups into a name template. */
export function fillName(template: string, values: Record<string, string>): string {
  return template.replace(/\{([A-Za-z0-9_-]+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Which environment a full ref (refs/heads/x, refs/tags/y) deploys to, by environments.yml. */
export function resolveRef(model: EnvironmentsModel, ref: string): Resolution {
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  for (const env of model.environments) {
    const names = branch !== undefined ? env.branches : env.tags;
    const patterns = branch !== undefined ? env.branchPatterns : env.tagPatterns;
    const refName = branch ?? tag;
    if (refName === undefined) break;
    let groups: Record<string, string> | undefined;
    if (names.includes(refName)) groups = {};
    for (const pattern of patterns) {
      const match = groups ? null : new RegExp(pattern).exec(refName);
      if (match) groups = { ...match.groups };
    }
    if (!groups) continue;
    const environment = fillName(env.name, groups);
    const values = { environment, tier: env.tier };
    return {
      environment,
      tier: env.tier,
      approval: env.approval,
      build: true,
      deploy: true,
      artifactKey: fillName(model.names.artifactKey, values),
      functionName: fillName(model.names.functionName, values),
      bucket: model.tiers[env.tier]?.bucket,
    };
  }
  const buildOnly =
    branch !== undefined && model.buildOnly.branchPatterns.some((p) => new RegExp(p).test(branch));
  return { tier: 'lower', approval: false, build: buildOnly, deploy: false };
}
