/**
 * The rehearsal's stand-in for GitHub's OIDC token service (ACTIONS_ID_TOKEN_REQUEST_URL): on
 * loopback, with an RS256 key generated for this rehearsal only. A job's configure-aws-credentials
 * stand-in asks it for a token, as the real action asks GitHub; the claims are those GitHub would
 * issue (oidcClaims.ts), and a job GitHub would not start (its environment's deployment policy
 * does not admit the ref) gets a refusal instead of a token.
 */
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  deploymentRefusal,
  GITHUB_ISSUER,
  tokenClaims,
  type Claims,
  type DeploymentPolicies,
  type JobContext,
  type TokenRepository,
} from './oidcClaims';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** What a verifier needs (the strict AWS twin's OIDC provider). */
  readonly publicKey: KeyObject;
  /** The same, as PEM (SPKI). */
  readonly publicKeyPem: string;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid: randomBytes(8).toString('hex'),
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** A compact JWS (RS256) of the claims. */
export function signToken(claims: Claims, key: SigningKey): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key.privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

/** The claims of a token (no verification: for logs and tests). */
export function decodeToken(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export type TokenDecision =
  | { readonly issued: true; readonly token: string; readonly claims: Claims }
  | { readonly issued: false; readonly reason: string };

export interface TokenIssuerOptions {
  readonly repository: TokenRepository;
  readonly policies: DeploymentPolicies;
  readonly key?: SigningKey;
  readonly now?: () => Date;
}

/** Decides and signs; the HTTP server below only carries requests to it. */
export function tokenIssuer(options: TokenIssuerOptions) {
  const key = options.key ?? generateSigningKey();
  const now = options.now ?? (() => new Date());
  const issued: Claims[] = [];
  const refused: { job: JobContext; reason: string }[] = [];
  return {
    issuer: GITHUB_ISSUER,
    key,
    issued,
    refused,
    /** `audience` defaults to GitHub's default, the owner's URL. */
    issue(job: JobContext, audience?: string): TokenDecision {
      const reason =
        job.environment === undefined
          ? undefined
          : deploymentRefusal(options.policies, job.environment, job.ref);
      if (reason !== undefined) {
        refused.push({ job, reason });
        return { issued: false, reason };
      }
      const aud = audience ?? `https://github.com/${options.repository.owner}`;
      const claims = tokenClaims(options.repository, job, aud, now());
      issued.push(claims);
      return { issued: true, token: signToken(claims, key), claims };
    },
  };
}

export type TokenIssuer = ReturnType<typeof tokenIssuer>;

export interface TokenService {
  /** What the stand-in gets as ACTIONS_ID_TOKEN_REQUEST_URL. */
  readonly url: string;
  /** What the stand-in gets as ACTIONS_ID_TOKEN_REQUEST_TOKEN (only the rehearsal's jobs have it). */
  readonly requestToken: string;
  readonly issuer: TokenIssuer;
  stop(): Promise<void>;
}

/**
 * Serves tokens on loopback: `GET <url>?audience=<aud>` with `Authorization: Bearer
 * <requestToken>` answers `{"value": "<jwt>"}` like GitHub's service. The job's context comes in
 * the query (ref, sha, environment, workflow, ...): on GitHub the service knows the job; here the
 * runner (act) does, and the stand-in passes it on.
 */
export async function startTokenService(issuer: TokenIssuer): Promise<TokenService> {
  const requestToken = randomBytes(24).toString('hex');
  const server = createServer((request, response) => handle(request, response));
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${requestToken}`) {
      return reply(401, { message: 'Bad credentials: ACTIONS_ID_TOKEN_REQUEST_TOKEN is wrong.' });
    }
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const get = (name: string) => query.get(name) ?? '';
    try {
      const decision = issuer.issue(
        {
          ref: get('ref'),
          sha: get('sha'),
          environment: query.get('environment') || undefined,
          workflowPath: get('workflow_path'),
          workflowName: get('workflow'),
          eventName: get('event_name') || 'push',
          runId: get('run_id') || '1',
          actor: get('actor') || 'rehearsal',
        },
        query.get('audience') || undefined,
      );
      if (decision.issued) return reply(200, { value: decision.token });
      return reply(403, { message: decision.reason });
    } catch (error) {
      return reply(400, { message: error instanceof Error ? error.message : String(error) });
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    requestToken,
    issuer,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
