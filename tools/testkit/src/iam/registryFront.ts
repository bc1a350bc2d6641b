/**
 * The registry side of the strict twin: a proxy in front of a local OCI registry that enforces
 * IAM on the registry protocol as ECR does. moto speaks the ECR API but not the registry, so the
 * twin hands a role a registry password of its own in GetAuthorizationToken's answer; requests
 * carrying it are evaluated as that role (registryActions.ts says which ECR action each one is)
 * and denied as ECR denies them: 403 `{"errors":[{"code":"DENIED","message":"User: ..."}]}`.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstDenial, type Decision, type Session } from './evaluate';
import { registryMeaning } from './registryActions';

export interface RegistryFront {
  /** `127.0.0.1:<port>`: give it to ecr-push as its `registry` input. */
  readonly host: string;
  /** A registry password for the session (what the twin puts in an ECR authorization token). */
  login(session: Session, region: string): string;
  stop(): Promise<void>;
}

/** GetAuthorizationToken's answer with the token replaced by `AWS:<password>`. */
export function withRegistryPassword(answer: Buffer, password: string): Buffer {
  const parsed = JSON.parse(answer.toString('utf8')) as {
    authorizationData?: { authorizationToken?: string }[];
  };
  for (const data of parsed.authorizationData ?? []) {
    data.authorizationToken = Buffer.from(`AWS:${password}`).toString('base64');
  }
  return Buffer.from(JSON.stringify(parsed));
}

const registryError = (status: number, code: string, message: string) => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ errors: [{ code, message, detail: null }] }),
});

export async function startRegistryFront(options: {
  upstream: string;
  account: string;
  partition: string;
  decisions: Decision[];
}): Promise<RegistryFront> {
  const upstream = new URL(options.upstream);
  const logins = new Map<string, { session: Session; region: string }>();

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://registry');
    const send = (answer: ReturnType<typeof registryError>) => {
      response.writeHead(answer.status, answer.headers);
      response.end(request.method === 'HEAD' ? undefined : answer.body);
    };
    const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const password = basic
      ? Buffer.from(basic, 'base64').toString('utf8').replace(/^AWS:/, '')
      : '';
    const login = logins.get(password);
    if (!login) {
      response.setHeader(
        'www-authenticate',
        'Basic realm="https://ecr.amazonaws.com/",service="ecr.amazonaws.com"',
      );
      send(registryError(401, 'UNAUTHORIZED', 'authentication required'));
      request.resume();
      return;
    }
    const { session, region } = login;
    const meaning = registryMeaning(
      { method: request.method ?? 'GET', path: url.pathname },
      { partition: options.partition, region, account: options.account },
    );
    const decide = async () => {
      if (!meaning.known) {
        const message = `The strict AWS twin does not know the request ${meaning.reason} sent by ${session.principalArn}, so it is denied. Teach tools/testkit/src/iam/registryActions.ts which ECR action it is.`;
        options.decisions.push({
          role: session.role.name,
          service: 'ecr',
          operation: 'unknown',
          actions: [],
          resource: '',
          allowed: false,
          message,
        });
        return message;
      }
      const denied = await firstDenial(session, options.account, 'ecr', meaning.authorizations);
      options.decisions.push({
        role: session.role.name,
        service: 'ecr',
        operation: meaning.operation,
        method: request.method,
        actions: meaning.authorizations.map((a) => a.action),
        resource: (denied?.authorization ?? meaning.authorizations[0])?.resource ?? '',
        allowed: !denied,
        ...(denied ? { deniedAction: denied.authorization.action, message: denied.message } : {}),
      });
      return denied?.message;
    };
    decide()
      .then((deniedMessage) => {
        if (deniedMessage !== undefined) {
          request.resume();
          return send(registryError(403, 'DENIED', deniedMessage));
        }
        const { authorization: _, ...headers } = request.headers;
        const forward = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: request.method,
            path: request.url,
            headers: { ...headers, host: upstream.host },
          },
          (answer) => {
            const answerHeaders = { ...answer.headers };
            // Keep the client on the front: upload sessions are followed by their Location.
            if (answerHeaders.location) {
              answerHeaders.location = answerHeaders.location.replace(
                upstream.origin,
                `http://${request.headers.host}`,
              );
            }
            response.writeHead(answer.statusCode ?? 502, answerHeaders);
            answer.pipe(response);
          },
        );
        forward.on('error', (error) => {
          if (!response.headersSent) response.writeHead(502);
          response.end(String(error));
        });
        request.pipe(forward);
      })
      .catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500);
        response.end(`strict registry front failed: ${String(error)}`);
      });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    login(session, region) {
      const password = randomBytes(24).toString('base64url');
      logins.set(password, { session, region });
      return password;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
