/**
 * One place that decides how AWS clients are configured: region, endpoint override, retries,
 * user agent. Credentials come from the SDK's standard chain (OIDC via
 * configure-aws-credentials on GitHub, env vars locally); nothing here reads or stores them.
 */
import type { Env } from './inputs';

export interface AwsClientOptions {
  region: string;
  /** The action's name, added to the user agent so CloudTrail shows who called. */
  action: string;
  /** Attempts per API call (the SDK's standard retry mode: jittered backoff, throttling aware). */
  maxAttempts?: number;
}

/** True when the standard AWS_ENDPOINT_URL(_<SERVICE>) variables point the SDK elsewhere. */
export function endpointOverridden(service: string, env: Env = process.env): boolean {
  return Boolean(env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL);
}

/**
 * Configuration for any SDK v3 client. The SDK itself honours AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE>; S3 additionally needs path-style addressing when its endpoint is
 * overridden, because a local server has no wildcard DNS for bucket subdomains.
 */
export function awsClientConfig(
  service: string,
  options: AwsClientOptions,
  env: Env = process.env,
) {
  return {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard' as const,
    customUserAgent: `pipelines-${options.action}`,
    ...(service.toLowerCase() === 's3' && endpointOverridden('s3', env)
      ? { forcePathStyle: true }
      : {}),
  };
}
