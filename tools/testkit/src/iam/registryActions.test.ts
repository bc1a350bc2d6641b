import { registryMeaning } from './registryActions';

const scope = { partition: 'aws', region: 'us-east-1', account: '123456789012' };
const REPO = 'arn:aws:ecr:us-east-1:123456789012:repository/pipelines/blog';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('the ECR action of a registry-protocol request', () => {
  it.each([
    ['HEAD', `/v2/pipelines/blog/blobs/${DIGEST}`, 'ecr:BatchCheckLayerAvailability'],
    ['GET', `/v2/pipelines/blog/blobs/${DIGEST}`, 'ecr:GetDownloadUrlForLayer'],
    ['POST', '/v2/pipelines/blog/blobs/uploads/', 'ecr:InitiateLayerUpload'],
    ['PATCH', '/v2/pipelines/blog/blobs/uploads/0b7c1d', 'ecr:UploadLayerPart'],
    ['PUT', '/v2/pipelines/blog/blobs/uploads/0b7c1d', 'ecr:CompleteLayerUpload'],
    ['HEAD', '/v2/pipelines/blog/manifests/prod-1', 'ecr:BatchGetImage'],
    ['GET', `/v2/pipelines/blog/manifests/${DIGEST}`, 'ecr:BatchGetImage'],
    ['PUT', '/v2/pipelines/blog/manifests/prod-1', 'ecr:PutImage'],
    ['GET', '/v2/pipelines/blog/tags/list', 'ecr:ListImages'],
  ])('%s %s is %s on the repository', (method, path, action) => {
    expect(registryMeaning({ method, path }, scope)).toMatchObject({
      known: true,
      authorizations: [{ action, resource: REPO }],
    });
  });

  it('lets any authenticated caller check the API version (GET /v2/)', () => {
    expect(registryMeaning({ method: 'GET', path: '/v2/' }, scope)).toMatchObject({
      known: true,
      authorizations: [],
    });
  });

  it.each([
    ['GET', '/v2/_catalog'],
    ['DELETE', '/v2/pipelines/blog/blobs/uploads/0b7c1d'],
    ['GET', '/v2/pipelines/blog/referrers/x'],
  ])('does not know %s %s (the twin then denies it)', (method, path) => {
    expect(registryMeaning({ method, path }, scope)).toMatchObject({ known: false });
  });
});
