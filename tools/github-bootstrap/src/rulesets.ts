/**
 * Repository rulesets that keep the deploying refs in the hands of the people the bootstrap is
 * given: only they may push, create, move or delete the branches and tags environments.yml routes
 * to an environment. Someone with write access but no review rights could otherwise move the
 * `production` tag or push `master` directly. Pure: the rulesets and the changes to reach them.
 */
import { regexToGlob, type EnvironmentRule, type Reviewer } from './plan';

export interface Ruleset {
  name: string;
  target: 'branch' | 'tag';
  enforcement: 'active';
  /** Full ref globs: refs/heads/master, refs/tags/RELEASE-*. */
  include: string[];
  /** The people and teams who may still change these refs. */
  actors: Reviewer[];
}

export interface CurrentRuleset {
  id: number;
  name: string;
  target?: string;
  enforcement?: string;
  include: string[];
  actors: { type: string; id: number }[];
  rules: string[];
}

export type RulesetChange =
  | { kind: 'create-ruleset'; ruleset: Ruleset }
  | { kind: 'update-ruleset'; id: number; ruleset: Ruleset };

/** Creating, pushing to (moving) and deleting a matching ref, and force pushes. */
export const RULES = ['creation', 'update', 'deletion', 'non_fast_forward'] as const;

export const BRANCH_RULESET = 'pipelines: deploying branches';
export const TAG_RULESET = 'pipelines: deploying tags';

const unique = (values: string[]) => [...new Set(values)];

/** The two rulesets: every branch and every tag (or tag pattern) of environments.yml. */
export function desiredRulesets(
  rules: readonly EnvironmentRule[],
  actors: readonly Reviewer[],
): Ruleset[] {
  const concrete = rules.filter((rule) => !rule.family);
  const branches = unique(
    concrete.flatMap((r) => [...r.branches, ...r.branchPatterns.map(regexToGlob)]),
  );
  const tags = unique(concrete.flatMap((r) => [...r.tags, ...r.tagPatterns.map(regexToGlob)]));
  const ruleset = (name: string, target: Ruleset['target'], prefix: string, refs: string[]) =>
    refs.length
      ? [
          {
            name,
            target,
            enforcement: 'active' as const,
            include: refs.map((r) => prefix + r),
            actors: [...actors],
          },
        ]
      : [];
  return [
    ...ruleset(BRANCH_RULESET, 'branch', 'refs/heads/', branches),
    ...ruleset(TAG_RULESET, 'tag', 'refs/tags/', tags),
  ];
}

const sorted = (values: readonly string[]) => JSON.stringify([...values].sort());

/** Rulesets are matched by name: create the missing ones, correct the ones that drifted. */
export function planRulesets(
  desired: readonly Ruleset[],
  current: readonly CurrentRuleset[],
): RulesetChange[] {
  return desired.flatMap((ruleset): RulesetChange[] => {
    const existing = current.find((c) => c.name === ruleset.name);
    if (!existing) return [{ kind: 'create-ruleset', ruleset }];
    const same =
      existing.target === ruleset.target &&
      existing.enforcement === ruleset.enforcement &&
      sorted(existing.include) === sorted(ruleset.include) &&
      sorted(existing.actors.map((a) => `${a.type}:${a.id}`)) ===
        sorted(ruleset.actors.map((a) => `${a.type}:${a.id}`)) &&
      sorted(existing.rules) === sorted(RULES);
    return same ? [] : [{ kind: 'update-ruleset', id: existing.id, ruleset }];
  });
}

export function describeRulesetChange(change: RulesetChange): string {
  const { ruleset } = change;
  const who = ruleset.actors.map((a) => a.name).join(', ') || 'nobody';
  return `ruleset "${ruleset.name}": ${change.kind === 'create-ruleset' ? 'create' : 'update'} (only ${who} may create, push to or delete ${ruleset.include.join(', ')})`;
}
