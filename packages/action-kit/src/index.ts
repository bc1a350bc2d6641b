export {
  errorMessage,
  couldNot,
  InputError,
  ActionError,
  awsErrorName,
  httpStatusOf,
} from './errors';
export {
  rawInput,
  input,
  parseInputs,
  booleanString,
  integerString,
  listString,
  parsedBy,
  sha256Hex,
  regionString,
  resolveRegion,
  type Env,
  type InputSpec,
} from './inputs';
export { awsClientConfig, endpointOverridden, type AwsClientOptions } from './aws';
export {
  retry,
  backoffDelay,
  parseRetryAfter,
  realSleep,
  RetriesExhaustedError,
  type RetryOptions,
  type Sleep,
} from './retry';
export { summaryMarkdown, writeSummary, type Row } from './summary';
export { runAction, setOutputs } from './run';
export {
  protectionOf,
  oidcSubject,
  type EnvironmentProtection,
  type ApiEnvironment,
} from './githubEnvironment';
export {
  checksumProves,
  compositeSha256,
  PartedSha256,
  sha256Base64ToHex,
  sha256File,
  sha256FileParts,
  sha256HexToBase64,
  type FileDigests,
} from './checksum';
// The environments.yml model is its own package (@pipelines/environments): it carries a YAML
// parser that only resolve-environment and the tools need, and ncc does not tree-shake CommonJS
// re-exports, so exporting it here would put it into every action's bundle. AWS's name rules
// (isEcrRepository, ...) come from '@pipelines/environments/names', which has no parser behind it.
// The deploy jobs' GitHub deployment records: their payload and when a reader may trust one.
export {
  isPipelinesDeployment,
  payloadObject,
  pipelinesPayload,
  trustedRecord,
  PAYLOAD_VERSION,
  WORKFLOW_TOKEN_LOGIN,
  type DeploymentPayload,
  type RecordFacts,
  type RunFacts,
  type Trust,
} from './deploymentRecords';
