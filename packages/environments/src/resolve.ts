/**
 * From a ref to where it deploys. Pure: the config and the ref in, a Resolution out. Ref names
 * are data: they are only compared and matched, never interpolated into anything but the names
 * of a family member, and those must be identifiers ([A-Za-z0-9_-]) or the ref is refused.
 */
import { ConfigError, RefError, showRef } from './errors';
import {
  type EnvironmentFamily,
  type EnvironmentInfo,
  type EnvironmentRule,
  type EnvironmentsConfig,
  type RefKind,
  type Resolution,
} from './model';
import { ENVIRONMENT_NAME, environmentNames, fillTemplate, isGitRefName } from './names';
import { claimsOf, familyMatcher } from './overlaps';

const PREFIXES: ReadonlyArray<readonly [string, RefKind]> = [
  ['refs/heads/', 'branch'],
  ['refs/tags/', 'tag'],
];

/** The branch or tag a full ref names; null for anything else (pull refs, invalid names). */
export function parseRef(ref: string): { kind: RefKind; name: string } | null {
  if (!isGitRefName(ref)) return null;
  for (const [prefix, kind] of PREFIXES) {
    if (ref.startsWith(prefix) && ref.length > prefix.length) {
      return { kind, name: ref.slice(prefix.length) };
    }
  }
  return null;
}

function nowhere(config: EnvironmentsConfig, build: boolean, matchedBy: string): Resolution {
  return {
    environment: null,
    tier: 'lower',
    build,
    deploy: false,
    approval: false,
    artifactKey: '',
    functionName: '',
    functionAlias: '',
    bucket: '',
    servers: false,
    deployDocument: config.names.deployDocument,
    releasePrefix: '',
    matchedBy,
  };
}

interface Match {
  /** Environment name, or null for build-only. */
  environment: string | null;
  rule: EnvironmentRule | null;
  describe: string;
}

export function resolveRef(config: EnvironmentsConfig, ref: string): Resolution {
  const parsed = parseRef(ref);
  if (!parsed)
    return nowhere(config, false, 'no rule (not a branch or tag, or not a valid git ref name)');
  const { kind, name } = parsed;
  const at = (line: number) => `${config.file}:${line}`;

  const matches: Match[] = [];
  for (const claim of claimsOf(config, kind)) {
    const rule = claim.rule;
    const label = rule ? rule.key : 'build-only';
    for (const exact of claim.exact) {
      if (exact.name === name) {
        matches.push({
          environment: rule?.key ?? null,
          rule,
          describe: `${kind} ${exact.name} of ${label} (${at(exact.line)})`,
        });
      }
    }
    for (const pattern of claim.patterns) {
      const match = pattern.regex.exec(name);
      if (!match) continue;
      let environment: string | null = null;
      if (rule) {
        environment =
          rule.placeholders.length > 0
            ? fillTemplate(
                rule.key,
                Object.fromEntries(rule.placeholders.map((p) => [p, match.groups?.[p] ?? ''])),
              )
            : rule.key;
      }
      matches.push({
        environment,
        rule,
        describe: `${kind} pattern ${pattern.source} of ${label} (${at(pattern.line)})`,
      });
    }
  }

  const targets = [...new Set(matches.map((m) => m.environment ?? '(build-only)'))];
  if (targets.length > 1) {
    const [first, second] = matches.filter(
      (m, i) => matches.findIndex((o) => o.environment === m.environment) === i,
    );
    throw new ConfigError(config.file, [
      {
        file: config.file,
        line: second?.rule?.line ?? config.buildOnly.line,
        column: 1,
        path: '',
        problem: `ref ${showRef(ref)} is claimed by ${first?.describe ?? '?'} and by ${second?.describe ?? '?'}`,
        fix: 'Make the patterns exclusive: a ref must lead to one environment',
      },
    ]);
  }
  const match = matches[0];
  if (!match) return nowhere(config, false, 'no rule');
  if (!match.rule || match.environment === null) return nowhere(config, true, match.describe);

  const info = describeEnvironment(config, match.rule, match.environment);
  if (typeof info === 'string') {
    throw new RefError(
      ref,
      `matches ${match.describe} ${info}`,
      `Use a shorter ${kind} name made of letters, digits, - and _`,
    );
  }
  return {
    environment: info.name,
    tier: info.tier,
    build: true,
    deploy: true,
    approval: info.approval,
    artifactKey: info.artifactKey,
    functionName: info.functionName,
    functionAlias: info.functionAlias,
    bucket: info.bucket,
    servers: info.servers,
    deployDocument: config.names.deployDocument,
    releasePrefix: info.releasePrefix,
    matchedBy: match.describe,
  };
}

/** The environment with its names, or why its name is unusable. */
function describeEnvironment(
  config: EnvironmentsConfig,
  rule: EnvironmentRule,
  name: string,
): EnvironmentInfo | string {
  if (!ENVIRONMENT_NAME.test(name)) {
    return `but gives the environment name ${showRef(name)}, which is not made of letters, digits, - and _`;
  }
  const names = environmentNames(config.names, name, rule.tier);
  if (names.problem) return `but ${names.problem}`;
  const family = rule.placeholders.length > 0;
  return {
    name,
    tier: rule.tier,
    approval: rule.approval,
    bucket: config.tiers[rule.tier].bucket,
    artifactKey: names.artifactKey,
    functionName: names.functionName,
    functionAlias: config.names.functionAlias,
    servers: config.tiers[rule.tier].servers === name,
    releasePrefix: fillTemplate(config.names.releasePrefix, { environment: name, tier: rule.tier }),
    branches: rule.branches.map((b) => b.name),
    tags: rule.tags.map((t) => t.name),
    branchPatterns: rule.branchPatterns.map((p) => p.source),
    tagPatterns: rule.tagPatterns.map((p) => p.source),
    family: family ? rule.key : null,
  };
}

/** Environments with a fixed name (mint, amy, pat, qa, staging, prod), in file order. */
export function concreteEnvironments(config: EnvironmentsConfig): EnvironmentInfo[] {
  return config.environments.flatMap((rule) => {
    if (rule.placeholders.length > 0) return [];
    const info = describeEnvironment(config, rule, rule.key);
    // load.ts already refused concrete environments with unusable names.
    return typeof info === 'string' ? [] : [info];
  });
}

/** Families such as int-{name}, with their name templates. */
export function environmentFamilies(config: EnvironmentsConfig): EnvironmentFamily[] {
  return config.environments
    .filter((rule) => rule.placeholders.length > 0)
    .map((rule) => ({
      template: rule.key,
      placeholders: rule.placeholders,
      tier: rule.tier,
      approval: rule.approval,
      bucket: config.tiers[rule.tier].bucket,
      artifactKey: fillTemplate(config.names.artifactKey, {
        environment: rule.key,
        tier: rule.tier,
      }),
      functionName: fillTemplate(config.names.functionName, {
        environment: rule.key,
        tier: rule.tier,
      }),
      functionAlias: config.names.functionAlias,
      branchPatterns: rule.branchPatterns.map((p) => p.source),
      tagPatterns: rule.tagPatterns.map((p) => p.source),
    }));
}

/** A concrete environment, or a member of a family (`int-foo`); undefined if neither. */
export function environmentByName(
  config: EnvironmentsConfig,
  name: string,
): EnvironmentInfo | undefined {
  const concrete = concreteEnvironments(config).find((e) => e.name === name);
  if (concrete) return concrete;
  for (const rule of config.environments) {
    if (rule.placeholders.length === 0 || !familyMatcher(rule.key).test(name)) continue;
    const info = describeEnvironment(config, rule, name);
    if (typeof info !== 'string') return info;
  }
  return undefined;
}
