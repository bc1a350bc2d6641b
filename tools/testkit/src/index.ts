export { repoRoot, toolPath, systemTool } from './paths';
export { chromiumDom, headlessChromiumFlags } from './chromium';
export { addImageRepository, withImageRepository } from './environmentsFile';
export { freePort, startServer, answers, type Server, type StartOptions } from './processes';
export { startMoto, type Moto } from './moto';
export { startRegistry, type Registry } from './registry';
export { startEcrRegistry, type RegistryOptions } from './registry';
export {
  startEcrProxy,
  type EcrProxy,
  type EcrProxyOptions,
  type RepositoryLookup,
} from './ecrRegistry';
export { isEcrRepositoryName, MIN_PART_BYTES, type TagMutability } from './ecrRules';
export { runAction, parseFileCommands, type ActionRun, type RunActionOptions } from './runAction';
export {
  startFakeGitHub,
  defaultGitHubState,
  type FakeGitHub,
  type FakeGitHubState,
  type FakeEnvironment,
  type FakeApproval,
  type FakeRuleset,
  type RepoRoute,
  type RepoRequest,
  simpleUser,
  DEFAULT_OWNER_ID,
  DEFAULT_REPOSITORY_ID,
} from './fakeGitHub';
export {
  type FakeDeployment,
  type FakeDeploymentStatus,
  type DeploymentState,
} from './fakeGitHubDeployments';
export { type FakePull, type GitState } from './fakeGitHubGit';
export { createGitRepository, type GitRepository, type Author } from './gitRepository';
export { type FakeWorkflowRun } from './fakeGitHubRuns';
export {
  gitHubApi,
  describeApi,
  gitHubExample,
  type ApiDescription,
  type OpenApiDocument,
  type Operation,
  type RequestCheck,
} from './openApi';
export {
  startFaultProxy,
  randomFaults,
  s3SlowDown,
  serverError,
  jsonThrottle,
  type Fault,
  type FaultPlan,
  type FaultProxy,
} from './faultProxy';
export { verifyUnits, parseUnit, type VerifyResult, type VerifyOptions } from './systemd';
export {
  rolesFromTemplate,
  startStrictAws,
  startStrictTier,
  synthesizeTier,
  tierRoles,
  tierResources,
  provisionTier,
  roleEnv,
  requestMeaning,
  OPERATOR_ACCESS_KEY,
  TemplateError,
  type CloudFormationTemplate,
  type Decision,
  type JsonWebKeySetLike,
  type OidcOptions,
  type PolicyDocument,
  type RoleCredentials,
  type RolePolicy,
  type StrictAws,
  type StrictAwsOptions,
  type StrictTier,
  type SynthOptions,
  type TierRoles,
  type TierResources,
  type TemplateRole,
  type TemplateTarget,
} from './iam';
export {
  startTestHost,
  ensureRootFs,
  linkAddresses,
  rootFsKey,
  TEST_HOST_RELEASE,
  type TestHost,
  type TestHostOptions,
  type ExecResult,
} from './testHost';
export { until } from './until';
export {
  localAwsClients,
  destroyLocalAwsClients,
  createVersionedBucket,
  createLambdaRole,
  createFunction,
  lambdaRoleArn,
  LAMBDA_TRUST_POLICY,
  LOCAL_ACCOUNT,
  type LocalAwsClients,
  type BucketVersioning,
  type FunctionFromZip,
  putReleaseVersion,
  type S3ReleaseVersion,
} from './localAwsSetup';
export { startRelay, type Relay } from './relay';
export {
  installDockerStandIn,
  pushStandInImage,
  webServerImage,
  type StandInImage,
} from './dockerStandIn';
export {
  startSsmRunCommand,
  testHostInstance,
  matchTargets,
  type SsmRunCommand,
  type SsmRunCommandOptions,
  type ManagedInstance,
  type CommandTarget,
  type RecordedCommand,
  type ScriptResult,
} from './ssmRunCommand';
