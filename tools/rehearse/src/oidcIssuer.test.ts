import { createPublicKey, createVerify } from 'node:crypto';
import { decodeToken, startTokenService, tokenIssuer, type TokenService } from './oidcIssuer';
import path from 'node:path';
import { loadEnvironments } from '@pipelines/environments';
import { tokenRepository } from './oidcClaims';

const model = loadEnvironments(path.resolve(__dirname, '../../../environments.yml'));

const repository = tokenRepository(model);
const policies = new Map([
  ['prod', [{ name: 'master', type: 'branch' as const }]],
  ['mint', null],
]);

function verifies(token: string, publicKeyPem: string): boolean {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return createVerify('RSA-SHA256')
    .update(`${header}.${payload}`)
    .verify(createPublicKey(publicKeyPem), Buffer.from(signature, 'base64url'));
}

describe('the rehearsal token service (GitHub OIDC stand-in on loopback)', () => {
  let service: TokenService;
  beforeAll(async () => {
    service = await startTokenService(tokenIssuer({ repository, policies }));
  });
  afterAll(() => service.stop());

  const ask = (query: Record<string, string>, token = service.requestToken) =>
    fetch(`${service.url}?${new URLSearchParams(query)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  const job = {
    ref: 'refs/heads/master',
    sha: 'b'.repeat(40),
    workflow_path: '.github/workflows/pipeline.yml',
    workflow: 'pipeline',
  };

  it('issues an RS256 token signed by the rehearsal key, with the immutable sub and the asked audience', async () => {
    const response = await ask({ ...job, environment: 'prod', audience: 'sts.amazonaws.com' });
    expect(response.status).toBe(200);
    const { value } = (await response.json()) as { value: string };
    expect(
      JSON.parse(Buffer.from(value.split('.')[0] ?? '', 'base64url').toString()),
    ).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: service.issuer.key.kid });
    expect(verifies(value, service.issuer.key.publicKeyPem)).toBe(true);
    expect(decodeToken(value)).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub: 'repo:example@1000001/pipelines@2000002:environment:prod',
      environment: 'prod',
    });
  });

  it("defaults the audience to the owner's URL, as GitHub does", async () => {
    const { value } = (await (await ask({ ...job, environment: 'mint' })).json()) as {
      value: string;
    };
    expect(decodeToken(value).aud).toBe('https://github.com/example');
  });

  it("refuses a job whose environment's deployment policy does not admit the ref (GitHub would not start it)", async () => {
    const response = await ask({
      ...job,
      ref: 'refs/heads/feature-x-1',
      environment: 'prod',
      audience: 'sts.amazonaws.com',
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /^Branch "feature-x-1" is not allowed to deploy to prod/,
    );
    expect(service.issuer.refused.at(-1)?.job.environment).toBe('prod');
  });

  it('refuses a request without the request token', async () => {
    expect((await ask({ ...job, environment: 'mint' }, 'guess')).status).toBe(401);
  });

  it('answers 400 with the reason for a ref it cannot name', async () => {
    const response = await ask({ ...job, ref: 'main' });
    expect(response.status).toBe(400);
  });
});
