/**
 * The Lambda entry point behind a function URL (payload format 2.0, the same shape as an API
 * Gateway HTTP API event). The only file that reads process.env and the build constants.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { route } from './routes';
import { deployStatus, type BuildInfo } from './status';

// Replaced by webpack's DefinePlugin at build time; under tests (no bundling) they are absent.
declare const __KATANA_VERSION__: string | undefined;
declare const __KATANA_COMMIT__: string | undefined;

export function buildInfo(): BuildInfo {
  return {
    version: typeof __KATANA_VERSION__ === 'string' ? __KATANA_VERSION__ : 'dev',
    commit: typeof __KATANA_COMMIT__ === 'string' ? __KATANA_COMMIT__ : 'unknown',
  };
}

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const method = event.requestContext?.http?.method ?? 'GET';
  const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
  const response = route(method, path, () => deployStatus(buildInfo(), process.env));
  return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body };
}
