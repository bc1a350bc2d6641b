import { identityProblems, subjectFor, type ProjectFacts } from './oidc';

const project: ProjectFacts = {
  github: 'example/pipelines',
  githubIds: { owner: 1000001, repository: 2000002 },
  oidcSubject: 'immutable',
};
const repository = { fullName: 'example/pipelines', ownerId: 1000001, id: 2000002 };
const byDefault = { useDefault: true, claimKeys: [] };

describe('subjectFor', () => {
  it('names the ids in the immutable form', () => {
    expect(subjectFor(project, project.githubIds, 'prod')).toBe(
      'repo:example@1000001/pipelines@2000002:environment:prod',
    );
  });

  it('uses owner/repo in the legacy form', () => {
    expect(subjectFor({ ...project, oidcSubject: 'legacy' }, project.githubIds, 'prod')).toBe(
      'repo:example/pipelines:environment:prod',
    );
  });
});

describe('identityProblems', () => {
  it('finds none when environments.yml matches GitHub', () => {
    expect(identityProblems(project, repository, byDefault)).toEqual([]);
  });

  it('prints the exact github-ids line when the ids are missing or differ', () => {
    const line = 'github-ids: { owner: 7, repository: 9 }';
    const other = { ...repository, ownerId: 7, id: 9 };
    expect(identityProblems(project, other, byDefault).join()).toContain(line);
    expect(identityProblems({ ...project, githubIds: undefined }, other, byDefault).join()).toMatch(
      /has no project.github-ids.*\n {4}github-ids: \{ owner: 7, repository: 9 \}/s,
    );
  });

  it('ignores the ids for a legacy-subject repository', () => {
    expect(
      identityProblems(
        { ...project, oidcSubject: 'legacy', githubIds: undefined },
        repository,
        byDefault,
      ),
    ).toEqual([]);
  });

  it('refuses a name that differs only in case (AWS compares subjects case-sensitively)', () => {
    expect(
      identityProblems(project, { ...repository, fullName: 'Example/Pipelines' }, byDefault),
    ).toEqual([
      expect.stringMatching(
        /GitHub spells the repository Example\/Pipelines.*case-sensitively.*project.github: Example\/Pipelines/,
      ),
    ]);
  });

  it("accepts GitHub's own subject prefix when it is the one environments.yml builds", () => {
    const template = { ...byDefault, prefix: 'repo:example@1000001/pipelines@2000002' };
    expect(identityProblems(project, repository, template)).toEqual([]);
  });

  it.each([
    [
      'an immutable form other than the one built',
      'repo:example-1000001/pipelines-2000002',
      /Set oidc-subject: immutable/,
    ],
    ['the legacy form', 'repo:example/pipelines', /Set oidc-subject: legacy/],
  ])("refuses GitHub's subject prefix in %s", (_case, prefix, fix) => {
    const problems = identityProblems(project, repository, { ...byDefault, prefix });
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `GitHub says this repository's OIDC subjects start with ${prefix}, but environments.yml .* builds repo:example@1000001/pipelines@2000002`,
        ),
      ),
    ]);
    expect(problems[0]).toMatch(fix);
  });

  it('refuses a customised subject template, saying how to reset it', () => {
    expect(
      identityProblems(project, repository, {
        useDefault: false,
        claimKeys: ['repo', 'context', 'job_workflow_ref'],
      }),
    ).toEqual([
      expect.stringMatching(
        /customised OIDC subject template \(claim keys: repo, context, job_workflow_ref\).*gh api -X PUT repos\/example\/pipelines\/actions\/oidc\/customization\/sub -F use_default=true/,
      ),
    ]);
  });
});
