/**
 * The twin in front of a real moto: what a role may do passes, what it may not is answered as AWS
 * answers it, a missing key is a 403 to a role that may not list the bucket, and a web identity
 * token is exchanged for credentials only when the role's trust policy admits its subject.
 */
import {
  CreateBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { startMoto, type Moto } from '../moto';
import { startStrictAws, type RoleCredentials, type StrictAws } from './strictAws';
import { rolesFromTemplate } from './template';
import { testTemplate } from './testTemplate';

jest.setTimeout(60_000);

const ISSUER = 'https://token.actions.githubusercontent.com';
const ROLE = 'pipelines-deploy-prod';
const ROLE_ARN = `arn:aws:iam::123456789012:role/${ROLE}`;
const SESSION = `arn:aws:sts::123456789012:assumed-role/${ROLE}/test`;

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

function token(claims: Record<string, unknown>, key: KeyObject = keys.privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${part({
    iss: ISSUER,
    aud: 'sts.amazonaws.com',
    iat: now,
    nbf: now - 5,
    exp: now + 300,
    ...claims,
  })}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
}

let moto: Moto;
let twin: StrictAws;
let operator: S3Client;

const s3As = (credentials: RoleCredentials) =>
  new S3Client({ region: 'us-east-1', endpoint: twin.url, forcePathStyle: true, credentials });

/** A request signed (in form only: the twin reads the key, it does not check signatures). */
function signedFetch(
  credentials: RoleCredentials,
  service: string,
  path: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
) {
  return fetch(`${twin.url}${path}`, {
    ...init,
    headers: {
      ...init.headers,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20261130/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`,
      'x-amz-security-token': credentials.sessionToken,
    },
  });
}

const assume = (webIdentityToken: string) =>
  fetch(twin.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: ROLE_ARN,
      RoleSessionName: 'github-run',
      WebIdentityToken: webIdentityToken,
    }).toString(),
  });

const denialOf = async (action: Promise<unknown>) => {
  const error = (await action.then(
    () => undefined,
    (e: unknown) => e,
  )) as S3ServiceException | undefined;
  return { name: error?.name, status: error?.$metadata.httpStatusCode, message: error?.message };
};

beforeAll(async () => {
  moto = await startMoto();
  twin = await startStrictAws({
    moto,
    roles: rolesFromTemplate(testTemplate, { account: '123456789012', region: 'us-east-1' }),
    oidc: {
      issuer: ISSUER,
      publicKey: { keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1' }] },
    },
  });
  operator = new S3Client({
    region: 'us-east-1',
    endpoint: twin.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await operator.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
});
afterAll(async () => {
  operator?.destroy();
  await twin?.stop();
  await moto?.stop();
});

describe('the strict AWS twin', () => {
  it('lets the operator key through unchecked, and records no decision for it', () => {
    // beforeAll created the bucket with the operator key: nothing was evaluated.
    expect(twin.decisions).toEqual([]);
  });

  it('forwards what the role may do and records the decision', async () => {
    const s3 = s3As(twin.credentialsFor(ROLE));
    await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'prod/a.zip', Body: 'a' }));
    expect(twin.decisions.at(-1)).toMatchObject({
      role: ROLE,
      operation: 'PutObject',
      actions: ['s3:PutObject'],
      resource: 'arn:aws:s3:::artifacts/prod/a.zip',
      allowed: true,
    });
  });

  it('denies a tagged PutObject without s3:PutObjectTagging, as S3 does (403 AccessDenied naming role, action and resource)', async () => {
    const s3 = s3As(twin.credentialsFor(ROLE));
    const denial = await denialOf(
      s3.send(
        new PutObjectCommand({
          Bucket: 'artifacts',
          Key: 'prod/b.zip',
          Body: 'b',
          Tagging: 'commit=abc',
        }),
      ),
    );
    expect(denial).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${SESSION} is not authorized to perform: s3:PutObjectTagging on resource: "arn:aws:s3:::artifacts/prod/b.zip" because no identity-based policy allows the s3:PutObjectTagging action`,
    });
    expect(twin.decisions.at(-1)).toMatchObject({
      allowed: false,
      deniedAction: 's3:PutObjectTagging',
    });
  });

  it('answers a missing key 403 to a role whose ListBucket is conditioned on s3:prefix, 404 to one that may list the bucket', async () => {
    const head = (role: string) =>
      denialOf(
        s3As(twin.credentialsFor(role)).send(
          new HeadObjectCommand({ Bucket: 'artifacts', Key: 'prod/missing.zip' }),
        ),
      );
    expect(await head(ROLE)).toMatchObject({ status: 403 });
    expect(twin.decisions.at(-1)).toMatchObject({
      role: ROLE,
      operation: 'HeadObject (missing key)',
      actions: ['s3:ListBucket'],
      resource: 'arn:aws:s3:::artifacts',
      allowed: false,
    });
    expect(await head('lister')).toMatchObject({ name: 'NotFound', status: 404 });
  });

  it("denies Lambda calls with Lambda's 403 AccessDeniedException", async () => {
    const response = await signedFetch(
      twin.credentialsFor(ROLE),
      'lambda',
      '/2015-03-31/functions/prod-KatanaLambda/code',
      {
        method: 'PUT',
        body: '{}',
      },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(await response.json()).toEqual({
      Type: 'User',
      Message: `User: ${SESSION} is not authorized to perform: lambda:UpdateFunctionCode on resource: arn:aws:lambda:us-east-1:123456789012:function:prod-KatanaLambda because no identity-based policy allows the lambda:UpdateFunctionCode action`,
    });
  });

  it("denies ECR calls with ECR's JSON 1.1 400 AccessDeniedException", async () => {
    const response = await signedFetch(twin.credentialsFor(ROLE), 'ecr', '/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.PutImage',
      },
      body: JSON.stringify({ repositoryName: 'pipelines/blog', imageManifest: '{}' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'AccessDeniedException',
      message: `User: ${SESSION} is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/pipelines/blog because no identity-based policy allows the ecr:PutImage action`,
    });
  });

  it('denies a request it does not know, saying so (never silently allowed)', async () => {
    const response = await signedFetch(twin.credentialsFor(ROLE), 's3', '/artifacts?policy', {
      method: 'PUT',
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(
      /<Code>AccessDenied<\/Code><Message>The strict AWS twin does not know the request PUT on bucket artifacts with query policy/,
    );
  });

  it('refuses an access key it never issued', async () => {
    const denial = await denialOf(
      s3As({ accessKeyId: 'ASIAUNKNOWN', secretAccessKey: 'x', sessionToken: 'x' }).send(
        new PutObjectCommand({ Bucket: 'artifacts', Key: 'prod/c.zip', Body: 'c' }),
      ),
    );
    expect(denial).toMatchObject({ name: 'InvalidAccessKeyId', status: 403 });
  });

  describe('AssumeRoleWithWebIdentity', () => {
    it('issues credentials of the role to a token whose subject the trust policy admits; they work', async () => {
      const response = await assume(token({ sub: 'repo:example/pipelines:environment:prod' }));
      const xml = await response.text();
      expect(response.status).toBe(200);
      expect(xml).toContain(`<Arn>arn:aws:sts::123456789012:assumed-role/${ROLE}/github-run</Arn>`);
      const field = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? '';
      const s3 = s3As({
        accessKeyId: field('AccessKeyId'),
        secretAccessKey: field('SecretAccessKey'),
        sessionToken: field('SessionToken'),
      });
      await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'prod/d.zip', Body: 'd' }));
      expect(twin.decisions.at(-1)).toMatchObject({ role: ROLE, allowed: true });
    });

    it('answers in the shape a real AWS client reads (the AWS CLI), whose credentials then work', async () => {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_DEFAULT_REGION: 'us-east-1',
      };
      // Asynchronously: the twin answers from this very process.
      const cli = async (args: string[], extra: Record<string, string> = {}) => {
        const { stdout } = await promisify(execFile)(
          'aws',
          [...args, '--endpoint-url', twin.url, '--output', 'json'],
          { env: { ...env, ...extra } },
        );
        return JSON.parse(stdout) as Record<string, Record<string, string>>;
      };
      const assumed = await cli([
        'sts',
        'assume-role-with-web-identity',
        '--role-arn',
        ROLE_ARN,
        '--role-session-name',
        'cli',
        '--web-identity-token',
        token({ sub: 'repo:example/pipelines:environment:prod' }),
      ]);
      expect(assumed.AssumedRoleUser?.Arn).toBe(
        `arn:aws:sts::123456789012:assumed-role/${ROLE}/cli`,
      );
      const credentials = assumed.Credentials ?? {};
      await cli(['sts', 'get-caller-identity'], {
        AWS_ACCESS_KEY_ID: credentials.AccessKeyId ?? '',
        AWS_SECRET_ACCESS_KEY: credentials.SecretAccessKey ?? '',
        AWS_SESSION_TOKEN: credentials.SessionToken ?? '',
      });
      expect(twin.decisions.at(-1)).toMatchObject({
        role: ROLE,
        operation: 'GetCallerIdentity',
        allowed: true,
      });
    });

    it("answers AccessDenied to another environment's subject", async () => {
      const response = await assume(token({ sub: 'repo:example/pipelines:environment:staging' }));
      expect(response.status).toBe(403);
      expect(await response.text()).toMatch(
        /<Code>AccessDenied<\/Code>\s*<Message>Not authorized to perform sts:AssumeRoleWithWebIdentity<\/Message>/,
      );
      expect(twin.decisions.at(-1)).toMatchObject({
        operation: 'AssumeRoleWithWebIdentity',
        role: ROLE,
        allowed: false,
      });
    });

    it('answers InvalidIdentityToken to a token signed by another key, and to another audience', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const forged = await assume(token({ sub: 'repo:example/pipelines:environment:prod' }, other));
      expect(forged.status).toBe(400);
      expect(await forged.text()).toContain('<Code>InvalidIdentityToken</Code>');
      const audience = await assume(
        token({ sub: 'repo:example/pipelines:environment:prod', aud: 'elsewhere' }),
      );
      expect(await audience.text()).toContain('<Message>Incorrect token audience</Message>');
    });
  });
});
