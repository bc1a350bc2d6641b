/**
 * The strict AWS twin: an HTTP proxy in front of moto that enforces IAM as AWS would, from the
 * roles the CDK app synthesizes. moto itself checks no permission; behind this proxy every request
 * signed with a key the twin issued is evaluated against that role's identity policies and denied
 * in the service's own wire shape when IAM would deny it. The operator key (`testing`, what
 * moto.awsEnv() gives) passes unchecked: that is the test or rehearsal provisioning and verifying.
 *
 * SSM requests (signing service `ssm`) go to the SSM Run Command stand-in when one is given.
 *
 * STS AssumeRoleWithWebIdentity (unsigned) is answered here: the token is verified against the
 * given OIDC issuer, the role's trust policy is evaluated, and fresh credentials are issued.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { evaluateTrust, firstDenial, type Decision, type Session } from './evaluate';
import { startRegistryFront, withRegistryPassword } from './registryFront';
import { requestMeaning, type Authorization, type RequestLookups } from './requestActions';
import {
  accessDeniedCode,
  serviceError,
  unknownKeyAnswer,
  webIdentityAnswer,
  type Answer,
  type IssuedCredentials,
} from './responses';
import type { TemplateRole } from './template';
import {
  checkWebIdentityToken,
  providerName,
  webIdentityContext,
  type OidcOptions,
} from './webIdentity';

export type { Decision } from './evaluate';

/** The key moto.awsEnv() signs with: provisioning and verification by the test itself. */
export const OPERATOR_ACCESS_KEY = 'testing';

export interface StrictAwsOptions {
  /** moto's endpoint (Moto.endpoint) or any object with one. */
  readonly moto: string | { readonly endpoint: string };
  readonly roles: readonly TemplateRole[];
  readonly account?: string;
  readonly partition?: string;
  readonly oidc?: OidcOptions;
  /**
   * A local OCI registry (its endpoint, or an object with one) to front as ECR's registry: then
   * GetAuthorizationToken hands each role a registry password of its own, and every registry
   * request is evaluated as that role (see registryFront.ts). Without it, the registry protocol
   * is not checked at all.
   */
  readonly registry?: string | { readonly endpoint: string };
  /**
   * The SSM Run Command stand-in (testkit ssmRunCommand.ts): SSM requests go there instead of to
   * moto, and SendCommand is authorized on the instances its Targets resolve to there.
   */
  readonly ssm?: {
    readonly endpoint: string;
    readonly resolveTargets: NonNullable<RequestLookups['ssmTargets']>;
  };
}

export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface StrictAws {
  readonly url: string;
  /** Every IAM decision the twin made, in order. */
  readonly decisions: Decision[];
  /** `127.0.0.1:<port>` of the registry front, when `registry` was given (ecr-push's `registry`). */
  readonly registryHost?: string;
  /** Fresh temporary credentials of the role (as if assumed), for tests that skip the token. */
  credentialsFor(roleName: string): RoleCredentials;
  stop(): Promise<void>;
}

/** Access key, region and service of a SigV4 request (Authorization header or presigned query). */
export function signingScope(
  headers: http.IncomingHttpHeaders,
  query: URLSearchParams,
): { accessKeyId: string; region: string; service: string } | undefined {
  const credential =
    /Credential=([^,\s]+)/.exec(String(headers.authorization ?? ''))?.[1] ??
    query.get('X-Amz-Credential') ??
    undefined;
  const [accessKeyId, , region, service] = credential?.split('/') ?? [];
  return accessKeyId && region && service ? { accessKeyId, region, service } : undefined;
}

const randomId = (prefix: string, length: number) =>
  prefix +
  Array.from(randomBytes(length), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');

export async function startStrictAws(options: StrictAwsOptions): Promise<StrictAws> {
  const motoUrl = new URL(typeof options.moto === 'string' ? options.moto : options.moto.endpoint);
  const account = options.account ?? '123456789012';
  const partition = options.partition ?? 'aws';
  const roles = new Map(options.roles.map((r) => [r.name, r]));
  const sessions = new Map<string, Session>();
  const decisions: Decision[] = [];
  const front = options.registry
    ? await startRegistryFront({
        upstream:
          typeof options.registry === 'string' ? options.registry : options.registry.endpoint,
        account,
        partition,
        decisions,
      })
    : undefined;

  const issue = (role: TemplateRole, sessionName: string): IssuedCredentials => {
    const credentials = {
      accessKeyId: randomId('ASIA', 16),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(Date.now() + 3600_000),
    };
    sessions.set(credentials.accessKeyId, {
      role,
      principalArn: `arn:${partition}:sts::${account}:assumed-role/${role.name}/${sessionName}`,
    });
    return credentials;
  };

  function assumeWithWebIdentity(form: URLSearchParams): Answer {
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? 'web-identity';
    const deny = (code: string, message: string, status?: number): Answer =>
      serviceError('sts', 'POST', code, message, status);
    if (!options.oidc) {
      return deny(
        'InvalidIdentityToken',
        'No OpenIDConnect provider found in your account (the twin was started without oidc).',
        400,
      );
    }
    const check = checkWebIdentityToken(
      form.get('WebIdentityToken') ?? '',
      options.oidc,
      new Date(),
    );
    if (!check.ok) return deny(check.code, check.message, 400);
    const provider = `arn:${partition}:iam::${account}:oidc-provider/${providerName(options.oidc.issuer)}`;
    const role = [...roles.values()].find((r) => r.arn === roleArn);
    const allowed =
      role !== undefined &&
      evaluateTrust(
        role.trustPolicy,
        role.arn,
        account,
        provider,
        'sts:AssumeRoleWithWebIdentity',
        webIdentityContext(options.oidc.issuer, check.claims),
      ) === 'Allowed';
    const message = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
    decisions.push({
      role: role?.name ?? roleArn,
      service: 'sts',
      operation: 'AssumeRoleWithWebIdentity',
      actions: ['sts:AssumeRoleWithWebIdentity'],
      resource: roleArn,
      allowed,
      ...(allowed
        ? {}
        : {
            deniedAction: 'sts:AssumeRoleWithWebIdentity',
            message: `${message} (role ${roleArn}, subject ${String(check.claims.sub)})`,
          }),
    });
    if (!allowed || !role) return deny('AccessDenied', message, 403);
    const credentials = issue(role, sessionName);
    return webIdentityAnswer({
      credentials,
      assumedRoleArn: `arn:${partition}:sts::${account}:assumed-role/${role.name}/${sessionName}`,
      assumedRoleId: `${randomId('AROA', 17)}:${sessionName}`,
      subject: String(check.claims.sub),
      audience: String([check.claims.aud].flat()[0]),
      provider,
    });
  }

  /** The answer to send instead of forwarding, or undefined to forward (with an after-check). */
  async function authorize(
    request: http.IncomingMessage,
    url: URL,
    body: Buffer,
  ): Promise<{
    /** The answer to send instead of forwarding. */
    answer?: Answer;
    /** Looks at moto's whole answer: a replacement, or undefined to send moto's as it is. */
    afterAnswer?: (status: number, body: Buffer) => Promise<Answer | undefined>;
  }> {
    const method = request.method ?? 'GET';
    if (url.pathname.startsWith('/moto-api/')) return {};
    const form = new URLSearchParams(method === 'POST' ? body.toString('utf8') : url.search);
    const scope = signingScope(request.headers, url.searchParams);
    // STS takes web identity requests unsigned, and ignores a signature if there is one.
    const webIdentity =
      url.pathname === '/' &&
      (!scope || scope.service === 'sts') &&
      form.get('Action') === 'AssumeRoleWithWebIdentity';
    if (webIdentity) return { answer: assumeWithWebIdentity(form) };
    if (!scope) {
      return {
        answer: serviceError(
          's3',
          method,
          'AccessDenied',
          'Anonymous requests are not allowed by the strict AWS twin: sign the request.',
        ),
      };
    }
    if (scope.accessKeyId === OPERATOR_ACCESS_KEY) return {};
    const session = sessions.get(scope.accessKeyId);
    if (!session) return { answer: unknownKeyAnswer(scope.service, method) };

    const meaning = requestMeaning(
      {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
        ),
        body: scope.service === 's3' ? '' : body.toString('utf8'),
        service: scope.service,
      },
      { partition, region: scope.region, account },
      options.ssm ? { ssmTargets: options.ssm.resolveTargets } : {},
    );
    const role = session.role;
    if (!meaning.known) {
      const message = `The strict AWS twin does not know the request ${meaning.reason} (service ${meaning.service}) sent by ${session.principalArn}, so it is denied. Teach tools/testkit/src/iam/requestActions.ts which IAM actions it needs.`;
      decisions.push({
        role: role.name,
        service: meaning.service,
        operation: 'unknown',
        actions: [],
        resource: '',
        allowed: false,
        message,
      });
      return {
        answer: serviceError(meaning.service, method, accessDeniedCode(meaning.service), message),
      };
    }
    const denial = (authorizations: readonly Authorization[]) =>
      firstDenial(session, account, meaning.service, authorizations);
    const actions = meaning.authorizations.map((a) => a.action);
    const denied = await denial(meaning.authorizations);
    decisions.push({
      role: role.name,
      service: meaning.service,
      operation: meaning.operation,
      method,
      actions,
      resource: (denied?.authorization ?? meaning.authorizations[0])?.resource ?? '',
      allowed: !denied,
      ...(denied ? { deniedAction: denied.authorization.action, message: denied.message } : {}),
    });
    if (denied) {
      return {
        answer: serviceError(
          meaning.service,
          method,
          accessDeniedCode(meaning.service),
          denied.message,
        ),
      };
    }
    if (front && meaning.operation === 'GetAuthorizationToken') {
      const password = front.login(session, scope.region);
      return {
        afterAnswer: async (status, answer) =>
          status === 200
            ? {
                status,
                headers: { 'content-type': 'application/x-amz-json-1.1' },
                body: withRegistryPassword(answer, password).toString('utf8'),
              }
            : undefined,
      };
    }
    const bucketArn = meaning.missingKeyBucketArn;
    if (!bucketArn) return {};
    return {
      // S3 answers a missing key with 404 only to a caller that may list the bucket (for a
      // request without a prefix); to anyone else it is 403, so keys cannot be probed.
      afterAnswer: async (status) => {
        if (status !== 404) return undefined;
        const list = { action: 's3:ListBucket', resource: bucketArn, context: {} };
        const listDenied = await denial([list]);
        decisions.push({
          role: role.name,
          service: 's3',
          operation: `${meaning.operation} (missing key)`,
          method,
          actions: ['s3:ListBucket'],
          resource: bucketArn,
          allowed: !listDenied,
          ...(listDenied ? { deniedAction: 's3:ListBucket', message: listDenied.message } : {}),
        });
        return listDenied
          ? serviceError('s3', method, 'AccessDenied', listDenied.message)
          : undefined;
      },
    };
  }

  const send = (response: http.ServerResponse, answer: Answer) => {
    response.writeHead(answer.status, {
      ...answer.headers,
      'content-length': Buffer.byteLength(answer.body),
    });
    response.end(answer.body);
  };

  /** Sends the request on to moto (SSM: to its stand-in); `afterAnswer` sees moto's whole answer first, if given. */
  const ssmUrl = options.ssm ? new URL(options.ssm.endpoint) : undefined;
  const forward = (
    request: http.IncomingMessage,
    body: Buffer,
    response: http.ServerResponse,
    afterAnswer?: (status: number, body: Buffer) => Promise<Answer | undefined>,
  ) => {
    const to =
      ssmUrl && signingScope(request.headers, new URLSearchParams())?.service === 'ssm'
        ? ssmUrl
        : motoUrl;
    const upstream = http.request(
      {
        host: to.hostname,
        port: to.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, 'content-length': String(body.length) },
      },
      (motoResponse) => {
        const status = motoResponse.statusCode ?? 502;
        if (!afterAnswer) {
          response.writeHead(status, motoResponse.headers);
          motoResponse.pipe(response);
          return;
        }
        const parts: Buffer[] = [];
        motoResponse.on('data', (c: Buffer) => parts.push(c));
        motoResponse.on('end', () => {
          const answer = Buffer.concat(parts);
          afterAnswer(status, answer)
            .then((replacement) => {
              if (replacement) return send(response, replacement);
              response.writeHead(status, motoResponse.headers);
              response.end(answer);
            })
            .catch((error: unknown) => failed(response, error));
        });
      },
    );
    upstream.on('error', (error) => failed(response, error));
    upstream.end(body);
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      authorize(request, new URL(request.url ?? '/', 'http://twin'), body)
        .then(({ answer, afterAnswer }) =>
          answer ? send(response, answer) : forward(request, body, response, afterAnswer),
        )
        .catch((error: unknown) => failed(response, error));
    });
  });

  const failed = (response: http.ServerResponse, error: unknown) => {
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(`strict AWS twin failed: ${error instanceof Error ? error.stack : String(error)}`);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    decisions,
    credentialsFor(roleName) {
      const role = roles.get(roleName);
      if (!role) {
        throw new Error(
          `Could not issue credentials for role "${roleName}": the twin has only ${[...roles.keys()].join(', ')}. Pass the role's RoleName.`,
        );
      }
      const { accessKeyId, secretAccessKey, sessionToken } = issue(role, 'test');
      return { accessKeyId, secretAccessKey, sessionToken };
    },
    ...(front ? { registryHost: front.host } : {}),
    async stop() {
      await front?.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
