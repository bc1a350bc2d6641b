/**
 * The facts the AWS roles' OIDC trust depends on, checked against what GitHub says about the
 * repository. Repositories created or renamed on or after 2026-07-15 (every new fork) get
 * immutable subjects that name GitHub's numeric ids; a trust built on a wrong id, a wrong letter
 * case or a customised subject template denies every deploy. Pure.
 */
import { githubOidcSubject } from '@pipelines/environments';

export interface ProjectFacts {
  /** project.github in environments.yml. */
  github: string;
  githubIds?: { owner: number; repository: number } | undefined;
  oidcSubject: 'immutable' | 'legacy';
}

export interface RepositoryIdentity {
  fullName: string;
  id: number;
  ownerId: number;
}

export interface SubjectTemplate {
  useDefault: boolean;
  claimKeys: string[];
  /**
   * GitHub's own statement of the subject prefix of this repository's tokens (`sub_claim_prefix`
   * of GET .../actions/oidc/customization/sub), when it gives one: the authority on the form.
   */
  prefix?: string | undefined;
}

/** The subject GitHub issues to a job that declares `environment: <environment>`. */
export function subjectFor(
  project: Pick<ProjectFacts, 'github' | 'oidcSubject'>,
  ids: { owner: number; repository: number } | undefined,
  environment: string,
): string {
  const immutable = project.oidcSubject === 'immutable' && ids !== undefined;
  return githubOidcSubject(project.github, environment, immutable ? ids : undefined);
}

/** Every reason the AWS trust built from environments.yml would not match GitHub's tokens. */
export function identityProblems(
  project: ProjectFacts,
  repository: RepositoryIdentity,
  template: SubjectTemplate,
): string[] {
  const problems: string[] = [];
  if (project.github !== repository.fullName) {
    problems.push(
      project.github.toLowerCase() === repository.fullName.toLowerCase()
        ? `project.github in environments.yml is ${project.github}, but GitHub spells the repository ${repository.fullName}. AWS compares OIDC subjects case-sensitively, so every role would refuse this repository's tokens. Set project.github: ${repository.fullName} and redeploy the infra.`
        : `project.github in environments.yml is ${project.github}, but the token reaches ${repository.fullName}. Set project.github: ${repository.fullName} (or pass --repo ${project.github}).`,
    );
  }
  const idsLine = `github-ids: { owner: ${repository.ownerId}, repository: ${repository.id} }`;
  if (project.oidcSubject === 'immutable') {
    if (!project.githubIds) {
      problems.push(
        `environments.yml has no project.github-ids; the immutable OIDC subject names them. Put this line under project: in environments.yml, then redeploy the infra:\n    ${idsLine}`,
      );
    } else if (
      project.githubIds.owner !== repository.ownerId ||
      project.githubIds.repository !== repository.id
    ) {
      problems.push(
        `project.github-ids in environments.yml ({ owner: ${project.githubIds.owner}, repository: ${project.githubIds.repository} }) are not ${repository.fullName}'s ids on GitHub, so the AWS roles would trust another repository's subjects. Replace the line under project: in environments.yml with this one, then redeploy the infra:\n    ${idsLine}`,
      );
    }
  }
  const prefixOf = (form: ProjectFacts['oidcSubject']) =>
    subjectFor({ ...project, oidcSubject: form }, project.githubIds, 'ENV').replace(
      /:environment:ENV$/,
      '',
    );
  const built = prefixOf(project.oidcSubject);
  if (template.prefix !== undefined && template.prefix !== built) {
    problems.push(
      `GitHub says this repository's OIDC subjects start with ${template.prefix}, but environments.yml (github: ${project.github}, oidc-subject: ${project.oidcSubject}${project.githubIds ? `, github-ids: { owner: ${project.githubIds.owner}, repository: ${project.githubIds.repository} }` : ''}) builds ${built}, so no role would accept this repository's tokens. ${template.prefix === prefixOf('legacy') ? 'Set oidc-subject: legacy in environments.yml' : 'Set oidc-subject: immutable and the github-ids above in environments.yml'}, then redeploy the infra. If GitHub's form differs from repo:<owner>@<owner-id>/<repo>@<repo-id>, the subject builders in infra/ and tools/github-bootstrap/src/oidc.ts must follow it.`,
    );
  }
  if (!template.useDefault) {
    problems.push(
      `${repository.fullName} uses a customised OIDC subject template (claim keys: ${template.claimKeys.join(', ') || 'none'}); the AWS roles trust only the default subject repo:...:environment:<env>. Reset it to the default: gh api -X PUT repos/${repository.fullName}/actions/oidc/customization/sub -F use_default=true (or the same PUT request with {"use_default": true}). To keep a custom template, change the trust conditions in infra/ to the subjects those keys (${template.claimKeys.join(', ') || 'none'}) produce.`,
    );
  }
  return problems;
}
