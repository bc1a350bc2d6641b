/**
 * A thin stand-in for the shared environments model (`loadEnvironments`, `concreteEnvironments`,
 * `environmentFamilies` from `@pipelines/shared`), which was being written at the same time as
 * this app. It reads only what the infra needs from environments.yml, under the same names, so
 * that swapping it for the shared model is a change of import in lib/config.ts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface EnvironmentsFile {
  readonly project: {
    readonly name: string;
    readonly github: string;
    readonly domain: string;
    readonly region: string;
  };
  readonly names: {
    readonly 'artifact-key': string;
    readonly 'function-name': string;
    readonly 'image-repositories': readonly string[];
  };
  readonly tiers: Readonly<Record<string, { readonly bucket: string }>>;
  readonly environments: Readonly<
    Record<
      string,
      {
        readonly tier: string;
        readonly approval?: boolean;
        readonly 'tag-patterns'?: readonly string[];
        readonly 'branch-patterns'?: readonly string[];
      }
    >
  >;
}

export interface ConcreteEnvironment {
  readonly name: string;
  readonly tier: string;
  readonly approval: boolean;
}

/** An environment named from a ref, such as `int-{name}`: its members are not known in advance. */
export interface EnvironmentFamily {
  readonly name: string;
  readonly tier: string;
  readonly approval: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${where} must be a non-empty string`);
  }
  return value;
}

/** Reads and checks the parts of environments.yml the infra uses. */
export function loadEnvironments(path: string): EnvironmentsFile {
  const doc: unknown = parse(readFileSync(path, 'utf8'));
  const where = (key: string) => `${path}: ${key}`;
  if (!isRecord(doc)) throw new Error(`${path} must be a YAML mapping`);
  const { project, names, tiers, environments } = doc;
  if (!isRecord(project)) throw new Error(where('project must be a mapping'));
  for (const key of ['name', 'github', 'domain', 'region']) {
    requireString(project[key], where(`project.${key}`));
  }
  if (!isRecord(names)) throw new Error(where('names must be a mapping'));
  requireString(names['artifact-key'], where('names.artifact-key'));
  requireString(names['function-name'], where('names.function-name'));
  const repos = names['image-repositories'];
  if (!Array.isArray(repos) || !repos.every((r) => typeof r === 'string')) {
    throw new Error(where('names.image-repositories must be a list of names'));
  }
  if (!isRecord(tiers)) throw new Error(where('tiers must be a mapping'));
  for (const [tier, value] of Object.entries(tiers)) {
    if (!isRecord(value)) throw new Error(where(`tiers.${tier} must be a mapping`));
    requireString(value.bucket, where(`tiers.${tier}.bucket`));
  }
  if (!isRecord(environments)) throw new Error(where('environments must be a mapping'));
  for (const [name, value] of Object.entries(environments)) {
    if (!isRecord(value)) throw new Error(where(`environments.${name} must be a mapping`));
    const tier = requireString(value.tier, where(`environments.${name}.tier`));
    if (!(tier in tiers)) {
      throw new Error(where(`environments.${name}.tier "${tier}" is not one of tiers`));
    }
  }
  return doc as unknown as EnvironmentsFile;
}

const isFamily = (name: string) => name.includes('{');

/** Environments with a fixed name (mint, staging, prod, ...). */
export function concreteEnvironments(config: EnvironmentsFile): ConcreteEnvironment[] {
  return Object.entries(config.environments)
    .filter(([name]) => !isFamily(name))
    .map(([name, env]) => ({ name, tier: env.tier, approval: env.approval === true }));
}

/** Environments named from the ref (`int-{name}`). */
export function environmentFamilies(config: EnvironmentsFile): EnvironmentFamily[] {
  return Object.entries(config.environments)
    .filter(([name]) => isFamily(name))
    .map(([name, env]) => ({ name, tier: env.tier, approval: env.approval === true }));
}
