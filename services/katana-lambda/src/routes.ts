/**
 * The HTTP surface of the function URL, as a pure function from (method, path) to a response.
 *   GET|HEAD /         the deploy status (JSON)
 *   GET|HEAD /health   {"status":"ok"}
 *   other methods      405 with an Allow header
 *   other paths        404
 */
import type { DeployStatus } from './status';

export interface Response {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  // A status page must never be served stale by a cache in between.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

function json(statusCode: number, value: unknown, extra: Record<string, string> = {}): Response {
  return {
    statusCode,
    headers: { ...JSON_HEADERS, ...extra },
    body: `${JSON.stringify(value)}\n`,
  };
}

/** "/health/" and "//health" are the same resource as "/health". */
export function normalisePath(rawPath: string): string {
  const trimmed = rawPath.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

export function route(method: string, rawPath: string, status: () => DeployStatus): Response {
  const path = normalisePath(rawPath);
  if (path !== '/' && path !== '/health') {
    return json(404, { error: 'not_found', message: `No resource at ${path}. Try / or /health.` });
  }
  const verb = method.toUpperCase();
  if (verb !== 'GET' && verb !== 'HEAD') {
    return json(
      405,
      { error: 'method_not_allowed', message: `${verb} is not supported; use GET.` },
      { allow: 'GET, HEAD' },
    );
  }
  const response = path === '/health' ? json(200, { status: 'ok' }) : json(200, status());
  // HEAD answers like GET, without the body.
  return verb === 'HEAD' ? { ...response, body: '' } : response;
}
