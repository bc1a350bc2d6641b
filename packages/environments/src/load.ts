/**
 * Reads environments.yml into an EnvironmentsConfig, or throws a ConfigError listing every
 * problem with its line and fix. Checks, in order: YAML syntax, the schema (types, unknown keys),
 * then the meaning: tiers exist, names make valid Lambda functions and S3 keys, patterns are
 * anchored and compile, families fill their placeholders, and no two rules claim one ref.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type ConfigIssue } from './errors';
import {
  ENVIRONMENT_NAME,
  environmentNames,
  fillTemplate,
  isGitShortName,
  isS3Key,
  placeholdersOf,
} from './names';
import { compilePattern, namedGroups } from './patterns';
import { patternGlob } from './globs';
import {
  TIERS,
  type EnvironmentRule,
  type EnvironmentsConfig,
  type NameRule,
  type PatternRule,
  type Tier,
} from './model';
import { documentSchema, schemaProblems, type Document } from './schema';
import { parseSource, type PathSegment, type Source } from './source';
import { overlapIssues } from './overlaps';
import { imageListProblems, missingBuildScripts } from './images';

export interface ParseOptions {
  /**
   * Whether a path relative to the repository root exists: given, every image repository must
   * have its build script (services/<service>/scripts/build-image.sh). loadEnvironments asks the
   * folder of the file it reads.
   */
  exists?: (relativePath: string) => boolean;
}

/** Reads the file, and checks the image build scripts in its folder (the repository root). */
export function loadEnvironments(path: string): EnvironmentsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // fs errors carry their code in the message (ENOENT: no such file or directory, ...).
    const cause =
      error instanceof Error || (typeof error === 'object' && error && 'message' in error)
        ? String((error as { message: unknown }).message)
        : error;
    throw new Error(
      `Could not read ${path}: ${String(cause)}. Check the path (relative to the workspace) and that the repository is checked out`,
      { cause: error },
    );
  }
  const root = dirname(path);
  return parseEnvironments(text, path, { exists: (relative) => existsSync(join(root, relative)) });
}

export function parseEnvironments(
  text: string,
  fileName: string,
  options: ParseOptions = {},
): EnvironmentsConfig {
  const source = parseSource(text, fileName);
  const parsed = documentSchema.safeParse(source.data ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      fileName,
      schemaProblems(parsed.error).map((p) => source.issueAt(p.path, p.problem, p.fix, p.key)),
    );
  }
  const issues: ConfigIssue[] = [];
  const config = build(parsed.data, source, issues);
  issues.push(...overlapIssues(config, source));
  if (options.exists) issues.push(...missingBuildScripts(config, source, options.exists));
  if (issues.length > 0) throw new ConfigError(fileName, issues);
  return config;
}

const TEMPLATE_PLACEHOLDERS = ['environment', 'tier'];
const PLACEHOLDER = /^[A-Za-z][A-Za-z0-9_]*$/;
const FAMILY_KEY = /^[A-Za-z0-9_-]*(\{[A-Za-z][A-Za-z0-9_]*\}[A-Za-z0-9_-]*)+$/;

/** names.release-prefix: a folder per environment, so each role can be limited to its own. */
function checkReleasePrefix(
  template: string,
  problem: (path: PathSegment[], text: string, fix: string) => void,
): void {
  const at = ['names', 'release-prefix'];
  const used = placeholdersOf(template);
  const unknown = used.filter((p) => !TEMPLATE_PLACEHOLDERS.includes(p));
  const fix = "Use a template over {environment} ending in /, e.g. '{environment}/releases/'";
  if (unknown.length > 0) {
    problem(
      at,
      `unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')} in ${JSON.stringify(template)}`,
      fix,
    );
  } else if (!used.includes('environment')) {
    problem(
      at,
      `${JSON.stringify(template)} does not use {environment}, so every environment would share one release folder`,
      fix,
    );
  } else if (
    !template.endsWith('/') ||
    !isS3Key(fillTemplate(template, { environment: 'env', tier: 'tier' }).slice(0, -1))
  ) {
    problem(
      at,
      `${JSON.stringify(template)} is not a folder of safe S3 key characters ending in /`,
      fix,
    );
  }
}

function build(doc: Document, source: Source, issues: ConfigIssue[]): EnvironmentsConfig {
  const positionOf = (path: PathSegment[], key = false) => {
    const { line, column } = source.issueAt(path, '', '', key);
    return { line, column };
  };
  const lineOf = (path: PathSegment[], key = false) => positionOf(path, key).line;
  const problem = (path: PathSegment[], text: string, fix: string, key = false) =>
    issues.push(source.issueAt(path, text, fix, key));

  const templates = {
    artifactKey: doc.names['artifact-key'],
    functionName: doc.names['function-name'],
  };
  const before = issues.length;
  for (const field of ['artifact-key', 'function-name'] as const) {
    const template = doc.names[field];
    const used = placeholdersOf(template);
    const unknown = used.filter((p) => !TEMPLATE_PLACEHOLDERS.includes(p));
    if (unknown.length > 0) {
      problem(
        ['names', field],
        `unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')} in ${JSON.stringify(template)}`,
        'Use only {environment} and {tier}',
      );
    } else if (!used.includes('environment')) {
      problem(
        ['names', field],
        `${JSON.stringify(template)} does not use {environment}, so every environment would share one ${field === 'artifact-key' ? 'package' : 'function'}`,
        'Put {environment} in the template',
      );
    }
  }

  const templatesValid = issues.length === before;

  const environments: EnvironmentRule[] = [];
  for (const [key, env] of Object.entries(doc.environments)) {
    const at = (...rest: PathSegment[]) => ['environments', key, ...rest];
    const family = key.includes('{') || key.includes('}');
    let placeholders: string[] = [];
    if (family) {
      placeholders = placeholdersOf(key);
      if (!FAMILY_KEY.test(key) || !placeholders.every((p) => PLACEHOLDER.test(p))) {
        problem(
          at(),
          `environment family ${JSON.stringify(key)} is not a valid template`,
          "Use letters, digits, - and _ around {placeholders}, e.g. 'int-{name}'",
          true,
        );
      }
    } else if (!ENVIRONMENT_NAME.test(key)) {
      problem(
        at(),
        `environment name ${JSON.stringify(key)} has characters other than letters, digits, - and _`,
        'Rename it: environment names become GitHub environments, S3 keys and Lambda function names',
        true,
      );
    }
    if (!(TIERS as readonly string[]).includes(env.tier)) {
      problem(
        at('tier'),
        `unknown tier ${JSON.stringify(env.tier)}`,
        `Use one of the tiers defined under tiers: ${TIERS.join(', ')}`,
      );
    }

    const names = (kind: 'branches' | 'tags'): NameRule[] =>
      env[kind].map((name, i) => {
        if (!isGitShortName(name)) {
          problem(
            at(kind, i),
            `${JSON.stringify(name)} is not a valid git ${kind === 'branches' ? 'branch' : 'tag'} name`,
            'Use a name git accepts (no spaces, .., ~ ^ : ? * [ \\ or control characters)',
          );
        }
        if (family) {
          problem(
            at(kind, i),
            `family ${JSON.stringify(key)} lists an exact name, which cannot fill ${placeholders.map((p) => `{${p}}`).join(', ')}`,
            `Use ${kind === 'branches' ? 'branch' : 'tag'}-patterns with named groups (?<${placeholders[0] ?? 'name'}>...), or move the name to its own environment`,
          );
        }
        return { name, ...positionOf(at(kind, i)) };
      });
    const patterns = (kind: 'branch-patterns' | 'tag-patterns'): PatternRule[] =>
      env[kind].flatMap((pattern, i) => {
        const compiled = compilePattern(pattern);
        if (!compiled.ok) {
          problem(at(kind, i), compiled.problem, compiled.fix);
          return [];
        }
        const glob = patternGlob(pattern);
        if (!glob.ok) problem(at(kind, i), glob.problem, glob.fix);
        const groups = namedGroups(compiled.regex);
        const missing = placeholders.filter((p) => !groups.includes(p));
        if (missing.length > 0) {
          problem(
            at(kind, i),
            `pattern ${JSON.stringify(pattern)} has no named group for ${missing.map((p) => `{${p}}`).join(', ')} of ${JSON.stringify(key)}`,
            `Capture it with a named group, e.g. '^int-(?<${missing[0]}>[A-Za-z0-9_]+)$'`,
          );
        }
        return [{ source: pattern, regex: compiled.regex, ...positionOf(at(kind, i)) }];
      });

    const rule: EnvironmentRule = {
      key,
      placeholders,
      tier: env.tier as Tier,
      approval: env.approval,
      branches: names('branches'),
      tags: names('tags'),
      branchPatterns: patterns('branch-patterns'),
      tagPatterns: patterns('tag-patterns'),
      ...positionOf(at(), true),
    };
    if (
      rule.branches.length +
        rule.tags.length +
        env['branch-patterns'].length +
        env['tag-patterns'].length ===
      0
    ) {
      problem(
        at(),
        `environment ${JSON.stringify(key)} has no branches, tags or patterns, so nothing deploys to it`,
        'Add the refs that deploy to it, or remove it',
        true,
      );
    }
    if (family && rule.approval) {
      problem(
        at('approval'),
        `family ${JSON.stringify(key)} needs approval, but its environments are created only when a ref first deploys, so none would have required reviewers before that deploy`,
        'Give the approval environment a fixed name (its own entry), or remove approval: true',
      );
    }
    if (!family && ENVIRONMENT_NAME.test(key) && templatesValid) {
      const rendered = environmentNames(templates, key, rule.tier);
      if (rendered.problem) problem(at(), rendered.problem, rendered.fix, true);
    }
    environments.push(rule);
  }

  imageListProblems(doc.names['image-repositories'], problem);
  checkReleasePrefix(doc.names['release-prefix'], problem);
  for (const tier of TIERS) {
    const servers = doc.tiers[tier].servers;
    if (servers === undefined) continue;
    const rule = environments.find((e) => e.key === servers);
    const fix = `Name a fixed environment of tier ${tier}, e.g. servers: ${environments.find((e) => e.tier === tier && e.placeholders.length === 0)?.key ?? '<environment>'}`;
    if (rule === undefined) {
      problem(
        ['tiers', tier, 'servers'],
        `names ${JSON.stringify(servers)}, which is not an environment`,
        fix,
      );
    } else if (rule.placeholders.length > 0) {
      problem(
        ['tiers', tier, 'servers'],
        `names the family ${JSON.stringify(servers)}, whose members come and go, but one environment must own the servers`,
        fix,
      );
    } else if (rule.tier !== tier && (TIERS as readonly string[]).includes(rule.tier)) {
      // (An unknown tier is reported at the environment already.)
      problem(
        ['tiers', tier, 'servers'],
        `names ${JSON.stringify(servers)}, an environment of tier ${rule.tier}, not ${tier}`,
        fix,
      );
    }
  }

  const buildOnlyNames = doc['build-only'].branches.map((name, i) => {
    if (!isGitShortName(name)) {
      problem(
        ['build-only', 'branches', i],
        `${JSON.stringify(name)} is not a valid git branch name`,
        'Use a name git accepts',
      );
    }
    return { name, ...positionOf(['build-only', 'branches', i]) };
  });
  const buildOnlyPatterns = doc['build-only']['branch-patterns'].flatMap((pattern, i) => {
    const compiled = compilePattern(pattern);
    if (!compiled.ok) {
      problem(['build-only', 'branch-patterns', i], compiled.problem, compiled.fix);
      return [];
    }
    return [
      {
        source: pattern,
        regex: compiled.regex,
        ...positionOf(['build-only', 'branch-patterns', i]),
      },
    ];
  });

  return {
    file: source.file,
    version: 1,
    project: {
      name: doc.project.name,
      github: doc.project.github,
      githubIds: doc.project['github-ids'],
      oidcSubject: doc.project['oidc-subject'],
      domain: doc.project.domain,
      region: doc.project.region,
    },
    names: {
      ...templates,
      functionAlias: doc.names['function-alias'],
      imageRepositories: doc.names['image-repositories'],
      deployDocument: doc.names['deploy-document'] ?? `${doc.project.name}-deploy`,
      releasePrefix: doc.names['release-prefix'],
    },
    tiers: doc.tiers,
    environments,
    buildOnly: {
      branches: buildOnlyNames,
      branchPatterns: buildOnlyPatterns,
      line: lineOf(['build-only'], true),
    },
  };
}
