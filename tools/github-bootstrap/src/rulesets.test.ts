import type { EnvironmentRule, Reviewer } from './plan';
import {
  BRANCH_RULESET,
  RULES,
  TAG_RULESET,
  desiredRulesets,
  planRulesets,
  type CurrentRuleset,
} from './rulesets';

const rule = (name: string, r: Partial<EnvironmentRule>): EnvironmentRule => ({
  name,
  approval: false,
  branches: [],
  tags: [],
  branchPatterns: [],
  tagPatterns: [],
  ...r,
});
const rules = [
  rule('mint', { branches: ['integration'], tags: ['mint'] }),
  rule('staging', { branches: ['staging'], tags: ['staging'] }),
  rule('prod', {
    approval: true,
    branches: ['master'],
    tags: ['production'],
    tagPatterns: ['^RELEASE-\\d+$'],
  }),
  rule('int-alice', { family: 'int-{name}', tagPatterns: ['^int-(?<name>[A-Za-z0-9_]+)$'] }),
];
const alice: Reviewer = { type: 'User', name: 'alice', id: 101 };
const ops: Reviewer = { type: 'Team', name: 'example/ops', id: 201 };

describe('desiredRulesets', () => {
  const [branches, tags] = desiredRulesets(rules, [alice, ops]);

  it('lets only the given people push the branches of environments.yml', () => {
    expect(branches).toEqual({
      name: BRANCH_RULESET,
      target: 'branch',
      enforcement: 'active',
      include: ['refs/heads/integration', 'refs/heads/staging', 'refs/heads/master'],
      actors: [alice, ops],
    });
  });

  it('lets only them create, move or delete the deploying tags (family tags stay open)', () => {
    expect(tags?.include).toEqual([
      'refs/tags/mint',
      'refs/tags/staging',
      'refs/tags/production',
      'refs/tags/RELEASE-*',
    ]);
    expect(tags).toMatchObject({ name: TAG_RULESET, target: 'tag', actors: [alice, ops] });
  });
});

describe('planRulesets', () => {
  const desired = desiredRulesets(rules, [alice]);
  const asCurrent = (id: number, r = desired[0]!): CurrentRuleset => ({
    id,
    name: r.name,
    target: r.target,
    enforcement: r.enforcement,
    include: r.include,
    actors: r.actors.map((a) => ({ type: a.type, id: a.id })),
    rules: [...RULES],
  });

  it('creates the missing rulesets', () => {
    expect(planRulesets(desired, []).map((c) => c.kind)).toEqual([
      'create-ruleset',
      'create-ruleset',
    ]);
  });

  it('changes nothing when they already match (matched by name)', () => {
    expect(planRulesets(desired, [asCurrent(1), asCurrent(2, desired[1])])).toEqual([]);
  });

  it('updates a ruleset someone widened by hand', () => {
    const widened = {
      ...asCurrent(1),
      actors: [...asCurrent(1).actors, { type: 'User', id: 666 }],
    };
    expect(planRulesets(desired, [widened, asCurrent(2, desired[1])])).toEqual([
      { kind: 'update-ruleset', id: 1, ruleset: desired[0] },
    ]);
  });
});
