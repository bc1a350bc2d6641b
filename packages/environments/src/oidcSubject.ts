/**
 * The subject of the OIDC token GitHub gives a job that declares `environment:`. Repositories
 * with immutable subjects (created or renamed after GitHub's cut-over, or opted in) name the
 * owner's and the repository's numeric ids after an `@`; the others only their names. The AWS
 * roles must trust exactly this string, so the infra, the GitHub bootstrap and the prod guard all
 * build it here. No imports: actions may use it without the environments.yml parser.
 */
export interface GithubIds {
  owner: number | string;
  repository: number | string;
}

/** `repository` is owner/repo as GitHub spells it; `ids` given: the immutable form. */
export function githubOidcSubject(
  repository: string,
  environment: string,
  ids?: GithubIds,
): string {
  const [owner, repo] = repository.split('/');
  const named = ids ? `${owner}@${ids.owner}/${repo}@${ids.repository}` : repository;
  return `repo:${named}:environment:${environment}`;
}
