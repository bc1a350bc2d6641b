/**
 * What STS checks of a web identity token before it looks at a role's trust policy: an RS256
 * signature by the issuer's key, the issuer registered as an OIDC provider, an audience among the
 * provider's client ids, and the token's time window. Then the claims become the condition keys
 * the trust policy sees, prefixed by the provider's host as IAM does
 * (`token.actions.githubusercontent.com:sub`).
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface JsonWebKeySetLike {
  readonly keys: readonly (JsonWebKey & { kid?: string })[];
}

export interface OidcOptions {
  /** The token's `iss` exactly, e.g. https://token.actions.githubusercontent.com */
  readonly issuer: string;
  readonly publicKey: KeyObject | JsonWebKeySetLike;
  /** The provider's client ids (audiences); GitHub's provider lists sts.amazonaws.com. */
  readonly clientIds?: readonly string[];
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly code: 'InvalidIdentityToken' | 'ExpiredTokenException';
      readonly message: string;
    };

const base64urlJson = (part: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (typeof value !== 'object' || value === null) throw new Error('not a JSON object');
  return value as Record<string, unknown>;
};

/** The provider's name in IAM: the issuer URL without its scheme (`token.actions.githubusercontent.com`). */
export const providerName = (issuer: string) =>
  issuer.replace(/^https?:\/\//, '').replace(/\/$/, '');

function keyFor(publicKey: OidcOptions['publicKey'], kid: unknown): KeyObject | undefined {
  if (!('keys' in publicKey)) return publicKey;
  const jwk = publicKey.keys.find((k) => kid === undefined || k.kid === kid);
  return jwk ? createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }) : undefined;
}

export function checkWebIdentityToken(token: string, oidc: OidcOptions, now: Date): TokenCheck {
  const invalid = (message: string): TokenCheck => ({
    ok: false,
    code: 'InvalidIdentityToken',
    message,
  });
  const parts = token.split('.');
  if (parts.length !== 3) return invalid('The ID token provided is not a valid JWT.');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = base64urlJson(headerPart);
    claims = base64urlJson(payloadPart);
  } catch {
    return invalid('The ID token provided is not a valid JWT.');
  }
  if (claims.iss !== oidc.issuer) {
    return invalid(`No OpenIDConnect provider found in your account for ${String(claims.iss)}`);
  }
  if (header.alg !== 'RS256')
    return invalid(`Unsupported token signing algorithm ${String(header.alg)}.`);
  const key = keyFor(oidc.publicKey, header.kid);
  const signed = key
    ? verify(
        'RSA-SHA256',
        Buffer.from(`${headerPart}.${payloadPart}`),
        key,
        Buffer.from(signaturePart, 'base64url'),
      )
    : false;
  if (!signed) return invalid('Signature verification failed.');
  const audiences = [claims.aud].flat();
  const clientIds = oidc.clientIds ?? ['sts.amazonaws.com'];
  if (!audiences.some((a) => typeof a === 'string' && clientIds.includes(a))) {
    return invalid('Incorrect token audience');
  }
  const seconds = now.getTime() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) {
    return {
      ok: false,
      code: 'ExpiredTokenException',
      message: `Token expired: current date/time ${now.toISOString()} must be before the expiration date/time ${typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : '(none)'}.`,
    };
  }
  if (typeof claims.nbf === 'number' && claims.nbf > seconds) {
    return invalid('The token is not yet valid (nbf).');
  }
  return { ok: true, claims };
}

/** Claims IAM offers as condition keys for GitHub's provider (and `sub`/`aud` for every provider). */
const CONDITION_CLAIMS = [
  'sub',
  'aud',
  'actor',
  'actor_id',
  'environment',
  'enterprise_id',
  'job_workflow_ref',
  'ref',
  'repository',
  'repository_id',
  'repository_owner_id',
  'workflow',
];

export function webIdentityContext(
  issuer: string,
  claims: Record<string, unknown>,
): Record<string, string | string[]> {
  const host = providerName(issuer);
  const context: Record<string, string | string[]> = {};
  for (const claim of CONDITION_CLAIMS) {
    const value = claims[claim];
    if (typeof value === 'string') context[`${host}:${claim}`] = value;
    else if (Array.isArray(value)) context[`${host}:${claim}`] = value.map(String);
  }
  return context;
}
