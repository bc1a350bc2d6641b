/**
 * What the deploy-status API reports: which environment this function serves, which build of
 * the code runs (version and commit, baked in at build time), and when it was deployed.
 * Pure: everything comes in through the arguments.
 */

/** Facts fixed when the bundle was built (webpack's DefinePlugin fills them in). */
export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
}

export interface DeployStatus {
  readonly service: 'katana-lambda';
  readonly environment: string;
  readonly version: string;
  readonly commit: string;
  /** ISO 8601, or null when the deploy did not record it. */
  readonly deployedAt: string | null;
  /** The Lambda version serving the request ($LATEST or a published number). */
  readonly functionVersion: string | null;
}

const FUNCTION_SUFFIX = '-KatanaLambda';

/**
 * The environment: DEPLOY_ENVIRONMENT when the function's configuration sets it, otherwise the
 * prefix of the function's own name (`<environment>-KatanaLambda`, the naming rule in
 * environments.yml), otherwise "unknown".
 */
export function environmentOf(env: Readonly<Record<string, string | undefined>>): string {
  const configured = env.DEPLOY_ENVIRONMENT?.trim();
  if (configured) return configured;
  const name = env.AWS_LAMBDA_FUNCTION_NAME ?? '';
  if (name.endsWith(FUNCTION_SUFFIX) && name.length > FUNCTION_SUFFIX.length) {
    return name.slice(0, -FUNCTION_SUFFIX.length);
  }
  return 'unknown';
}

/** DEPLOYED_AT normalised to ISO 8601; a value that is not a date is reported as null. */
export function deployedAtOf(value: string | undefined): string | null {
  if (!value?.trim()) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

export function deployStatus(
  build: BuildInfo,
  env: Readonly<Record<string, string | undefined>>,
): DeployStatus {
  return {
    service: 'katana-lambda',
    environment: environmentOf(env),
    version: build.version,
    commit: build.commit,
    deployedAt: deployedAtOf(env.DEPLOYED_AT),
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? null,
  };
}
