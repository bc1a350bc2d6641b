/** The strict AWS twin: IAM enforced in front of moto, from the roles a CDK app synthesizes. */
export {
  rolesFromTemplate,
  TemplateError,
  type CloudFormationTemplate,
  type PolicyDocument,
  type RolePolicy,
  type TemplateRole,
  type TemplateTarget,
} from './template';
export {
  startStrictAws,
  OPERATOR_ACCESS_KEY,
  type Decision,
  type RoleCredentials,
  type StrictAws,
  type StrictAwsOptions,
} from './strictAws';
export {
  requestMeaning,
  type Authorization,
  type RequestFacts,
  type RequestMeaning,
} from './requestActions';
export type { JsonWebKeySetLike, OidcOptions } from './webIdentity';
export { synthesizeTier, type SynthOptions } from './synth';
export { startStrictTier, tierRoles, roleEnv, type StrictTier, type TierRoles } from './strictTier';
export {
  provisionTier,
  tierResources,
  operatorRequest,
  handlerZip,
  type TierResources,
} from './provision';
