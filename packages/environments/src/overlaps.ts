/**
 * "Two rules claiming one ref": a ref must lead to one place. Decided here for everything that
 * can be decided from the file alone: the same exact name twice, an exact name that another
 * rule's pattern also matches, a concrete environment whose name a family could also produce.
 * Whether two patterns can match one name is not decidable in general; resolveRef refuses such a
 * ref at run time, naming both rules (see resolve.ts).
 */
import type { ConfigIssue } from './errors';
import type { EnvironmentRule, EnvironmentsConfig, NameRule, PatternRule, RefKind } from './model';
import type { Source } from './source';

interface Claims {
  /** The environment that claims, or null for build-only. */
  rule: EnvironmentRule | null;
  owner: string;
  exact: readonly NameRule[];
  patterns: readonly PatternRule[];
}

export function claimsOf(config: EnvironmentsConfig, kind: RefKind): Claims[] {
  const claims: Claims[] = config.environments.map((env) => ({
    rule: env,
    owner: `environment ${JSON.stringify(env.key)}`,
    exact: kind === 'branch' ? env.branches : env.tags,
    patterns: kind === 'branch' ? env.branchPatterns : env.tagPatterns,
  }));
  if (kind === 'branch') {
    claims.push({
      rule: null,
      owner: 'build-only',
      exact: config.buildOnly.branches,
      patterns: config.buildOnly.branchPatterns,
    });
  }
  return claims;
}

export function overlapIssues(config: EnvironmentsConfig, source: Source): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const issue = (at: { line: number; column: number }, problem: string, fix: string) =>
    issues.push({ file: source.file, line: at.line, column: at.column, path: '', problem, fix });

  for (const kind of ['branch', 'tag'] as const) {
    const claims = claimsOf(config, kind);
    const seen = new Map<string, { owner: string; rule: NameRule }>();
    for (const claim of claims) {
      for (const rule of claim.exact) {
        const first = seen.get(rule.name);
        if (first) {
          issue(
            rule,
            `${kind} ${JSON.stringify(rule.name)} is claimed by ${claim.owner} and already by ${first.owner} (line ${first.rule.line})`,
            'Keep the name in one place only: a ref must lead to one environment',
          );
        } else {
          seen.set(rule.name, { owner: claim.owner, rule });
        }
        for (const other of claims) {
          if (other === claim) continue;
          for (const pattern of other.patterns) {
            if (pattern.regex.test(rule.name)) {
              issue(
                rule,
                `${kind} ${JSON.stringify(rule.name)} of ${claim.owner} is also matched by ${kind} pattern ${JSON.stringify(pattern.source)} of ${other.owner} (line ${pattern.line})`,
                'Narrow the pattern so it does not match the name, or remove the name: a ref must lead to one environment',
              );
            }
          }
        }
      }
    }
  }

  const families = config.environments.filter((env) => env.placeholders.length > 0);
  for (const env of config.environments) {
    if (env.placeholders.length > 0) continue;
    for (const family of families) {
      if (familyMatcher(family.key).test(env.key)) {
        issue(
          env,
          `environment ${JSON.stringify(env.key)} could also be a member of the family ${JSON.stringify(family.key)} (line ${family.line})`,
          'Rename the environment so the family cannot produce its name',
        );
      }
    }
  }
  return issues;
}

/** Matches the names a family template can produce (`int-{name}` -> /^int-[A-Za-z0-9_-]+$/). */
export function familyMatcher(template: string): RegExp {
  const parts = template.split(/\{[^{}]*\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'));
  return new RegExp(`^${parts.join('([A-Za-z0-9_-]+)')}$`);
}
