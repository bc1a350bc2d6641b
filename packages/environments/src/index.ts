/** environments.yml: which ref deploys where. The one model every reader of the file shares. */
export { ConfigError, RefError, issueText, type ConfigIssue } from './errors';
export { parseEnvironments, loadEnvironments, type ParseOptions } from './load';
export { imagesOf, imageBuildScript, type ImageInfo } from './images';
export {
  resolveRef,
  parseRef,
  concreteEnvironments,
  environmentFamilies,
  environmentByName,
} from './resolve';
export { renderRoutingTable } from './render';
export {
  patternGlob,
  regexToGlob,
  literalFilter,
  triggerTagFilters,
  policyGlobMatches,
} from './globs';
export { candidateEnvironmentName, uploadEnvironmentName } from './candidate';
export { githubOidcSubject, type GithubIds } from './oidcSubject';
export { isGitRefName, ENVIRONMENT_NAME } from './names';
export {
  TIERS,
  type Tier,
  type RefKind,
  type EnvironmentsConfig,
  type EnvironmentRule,
  type EnvironmentInfo,
  type EnvironmentFamily,
  type Resolution,
} from './model';
