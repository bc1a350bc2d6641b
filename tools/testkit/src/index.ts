export { repoRoot, toolPath, systemTool } from './paths';
export { freePort, startServer, answers, type Server, type StartOptions } from './processes';
export { startMoto, type Moto } from './moto';
export { startRegistry, type Registry } from './registry';
export { runAction, parseFileCommands, type ActionRun, type RunActionOptions } from './runAction';
export {
  startFakeGitHub,
  defaultGitHubState,
  type FakeGitHub,
  type FakeGitHubState,
  type FakeEnvironment,
} from './fakeGitHub';
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
