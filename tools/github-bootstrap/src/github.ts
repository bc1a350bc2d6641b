/**
 * The GitHub REST calls the bootstrap makes, through Octokit. Reads the current state of an
 * environment and applies one planned change at a time.
 */
import { Octokit } from '@octokit/rest';
import { protectionOf, type ApiEnvironment } from '@pipelines/action-kit';
import type { RepositoryIdentity, SubjectTemplate } from './oidc';
import type { Change, CurrentEnvironment, DeploymentPolicy, Reviewer } from './plan';
import { RULES, type CurrentRuleset, type RulesetChange } from './rulesets';

export interface RepositoryFacts extends RepositoryIdentity {
  private: boolean;
  admin: boolean;
  ownerType: 'User' | 'Organization';
  /** Classic tokens list their scopes in X-OAuth-Scopes; fine-grained tokens send none. */
  scopes: string[] | undefined;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export class GitHubApi {
  private readonly octokit: Octokit;

  constructor(
    token: string,
    readonly owner: string,
    readonly repo: string,
    baseUrl = 'https://api.github.com',
  ) {
    this.octokit = new Octokit({ auth: token, baseUrl, userAgent: 'pipelines-github-bootstrap' });
  }

  private get where() {
    return { owner: this.owner, repo: this.repo };
  }

  async repository(): Promise<RepositoryFacts> {
    const response = await this.octokit.request('GET /repos/{owner}/{repo}', this.where);
    const scopes = response.headers['x-oauth-scopes'];
    return {
      fullName: response.data.full_name,
      id: response.data.id,
      ownerId: response.data.owner.id,
      private: response.data.private,
      admin: response.data.permissions?.admin === true,
      ownerType: response.data.owner.type === 'Organization' ? 'Organization' : 'User',
      scopes:
        typeof scopes === 'string'
          ? scopes
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
    };
  }

  /** The repository's OIDC subject template (default, or customised claim keys). */
  async subjectTemplate(): Promise<SubjectTemplate> {
    const { data } = await this.octokit.request(
      'GET /repos/{owner}/{repo}/actions/oidc/customization/sub',
      this.where,
    );
    // sub_claim_prefix is newer than Octokit 20's types; GitHub's current description has it.
    const prefix = (data as { sub_claim_prefix?: unknown }).sub_claim_prefix;
    return {
      useDefault: data.use_default,
      claimKeys: data.include_claim_keys ?? [],
      prefix: typeof prefix === 'string' ? prefix : undefined,
    };
  }

  /** The repository's own rulesets with these names (the bootstrap matches rulesets by name). */
  async rulesets(names: readonly string[]): Promise<CurrentRuleset[]> {
    const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/rulesets', {
      ...this.where,
      per_page: 100,
      includes_parents: false,
    });
    // The list has no conditions or rules: read each ruleset the bootstrap has to compare.
    return Promise.all(
      data
        .filter((ruleset) => names.includes(ruleset.name))
        .map(async ({ id }) => {
          const { data: ruleset } = await this.octokit.request(
            'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}',
            { ...this.where, ruleset_id: id },
          );
          const conditions = ruleset.conditions as { ref_name?: { include?: string[] } } | null;
          return {
            id,
            name: ruleset.name,
            target: ruleset.target,
            enforcement: ruleset.enforcement,
            include: conditions?.ref_name?.include ?? [],
            actors: (ruleset.bypass_actors ?? []).map((a) => ({
              type: a.actor_type,
              id: a.actor_id ?? 0,
            })),
            rules: (ruleset.rules ?? []).map((r) => r.type),
          };
        }),
    );
  }

  async applyRuleset(change: RulesetChange): Promise<void> {
    const { ruleset } = change;
    const body = {
      ...this.where,
      name: ruleset.name,
      target: ruleset.target,
      enforcement: ruleset.enforcement,
      // Octokit 20's types predate users as bypass actors; GitHub's current description has them.
      bypass_actors: ruleset.actors.map((a) => ({
        actor_id: a.id,
        actor_type: a.type as 'Team',
        bypass_mode: 'always' as const,
      })),
      conditions: { ref_name: { include: ruleset.include, exclude: [] } },
      rules: RULES.map((type) => ({ type })),
    };
    if (change.kind === 'create-ruleset')
      await this.octokit.request('POST /repos/{owner}/{repo}/rulesets', body);
    else
      await this.octokit.request('PUT /repos/{owner}/{repo}/rulesets/{ruleset_id}', {
        ...body,
        ruleset_id: change.id,
      });
  }

  /** The owner's plan name (free, pro, team, enterprise), when the token may see it. */
  async plan(ownerType: RepositoryFacts['ownerType']): Promise<string | undefined> {
    try {
      if (ownerType === 'Organization') {
        const { data } = await this.octokit.request('GET /orgs/{org}', { org: this.owner });
        return data.plan?.name;
      }
      const { data } = await this.octokit.request('GET /user');
      return data.login === this.owner && 'plan' in data ? data.plan?.name : undefined;
    } catch {
      return undefined;
    }
  }

  /** A user login or `org/team-slug`, resolved to the id the environments API takes. */
  async reviewer(name: string): Promise<Reviewer | undefined> {
    try {
      const team = /^([^/]+)\/([^/]+)$/.exec(name);
      if (team) {
        const { data } = await this.octokit.request('GET /orgs/{org}/teams/{team_slug}', {
          org: team[1]!,
          team_slug: team[2]!,
        });
        return { type: 'Team', name, id: data.id };
      }
      const { data } = await this.octokit.request('GET /users/{username}', { username: name });
      return { type: 'User', name: data.login, id: data.id };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async environment(name: string): Promise<CurrentEnvironment> {
    const at = { ...this.where, environment_name: name };
    let data;
    try {
      ({ data } = await this.octokit.request(
        'GET /repos/{owner}/{repo}/environments/{environment_name}',
        at,
      ));
    } catch (error) {
      if (statusOf(error) === 404)
        return {
          exists: false,
          reviewers: [],
          preventSelfReview: false,
          canAdminsBypass: true,
          customPolicies: false,
          policies: [],
          variables: {},
        };
      throw error;
    }
    const protection = protectionOf(data as ApiEnvironment);
    const customPolicies = protection.customPolicies;
    const policies = customPolicies
      ? (
          await this.octokit.request(
            'GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies',
            { ...at, per_page: 100 },
          )
        ).data.branch_policies.map((p) => ({
          id: p.id ?? 0,
          name: p.name ?? '',
          type: (p.type === 'tag' ? 'tag' : 'branch') as DeploymentPolicy['type'],
        }))
      : [];
    const variables = Object.fromEntries(
      (
        await this.octokit.request(
          'GET /repos/{owner}/{repo}/environments/{environment_name}/variables',
          { ...at, per_page: 30 },
        )
      ).data.variables.map((v) => [v.name, v.value]),
    );
    return {
      exists: true,
      reviewers: protection.reviewers.map(({ type, id }) => ({ type, id })),
      preventSelfReview: protection.preventSelfReview,
      // Absent from the answer means GitHub's default, true.
      canAdminsBypass: (data as { can_admins_bypass?: boolean }).can_admins_bypass !== false,
      customPolicies,
      policies,
      variables,
    };
  }

  async apply(change: Change): Promise<void> {
    const at = { ...this.where, environment_name: change.environment };
    switch (change.kind) {
      case 'put-environment':
        await this.octokit.request('PUT /repos/{owner}/{repo}/environments/{environment_name}', {
          ...at,
          prevent_self_review: change.preventSelfReview,
          reviewers: change.reviewers.map((r) => ({ type: r.type, id: r.id })),
          deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
          // Not yet in GitHub's published description; the API takes it (see testkit openApi.ts).
          can_admins_bypass: false,
        } as Parameters<Octokit['repos']['createOrUpdateEnvironment']>[0]);
        return;
      case 'add-policy':
        await this.octokit.request(
          'POST /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies',
          {
            ...at,
            name: change.policy.name,
            type: change.policy.type,
          },
        );
        return;
      case 'remove-policy':
        await this.octokit.request(
          'DELETE /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies/{branch_policy_id}',
          {
            ...at,
            branch_policy_id: change.policy.id,
          },
        );
        return;
      case 'create-variable':
        await this.octokit.request(
          'POST /repos/{owner}/{repo}/environments/{environment_name}/variables',
          { ...at, name: change.name, value: change.value },
        );
        return;
      case 'update-variable':
        await this.octokit.request(
          'PATCH /repos/{owner}/{repo}/environments/{environment_name}/variables/{name}',
          { ...at, name: change.name, value: change.value },
        );
        return;
    }
  }
}
