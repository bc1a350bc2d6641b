import { functionRef, requestMeaning, type RequestFacts } from './requestActions';

const scope = { partition: 'aws', region: 'us-east-1', account: '123456789012' };
const BUCKET = 'arn:aws:s3:::artifacts';
const OBJECT = `${BUCKET}/prod/katana-lambda.zip`;
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:prod-KatanaLambda';
const REPO = 'arn:aws:ecr:us-east-1:123456789012:repository/pipelines/blog';

function request(
  service: string,
  method: string,
  target: string,
  extra: { headers?: Record<string, string>; body?: string } = {},
): RequestFacts {
  const url = new URL(target, 'http://aws');
  return {
    service,
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: extra.headers ?? {},
    body: extra.body ?? '',
  };
}

/** operation, then [action, resource, context] per authorization. */
type Row = [string, RequestFacts, string, [string, string, Record<string, unknown>?][]];

const KEY = '/artifacts/prod/katana-lambda.zip';
const tagged = { headers: { 'x-amz-tagging': 'commit=abc' } };
const ecr = (operation: string, body: unknown) =>
  request('ecr', 'POST', '/', {
    headers: { 'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${operation}` },
    body: JSON.stringify(body),
  });

const rows: Row[] = [
  [
    'S3 PutObject',
    request('s3', 'PUT', `${KEY}?x-id=PutObject`),
    'PutObject',
    [['s3:PutObject', OBJECT]],
  ],
  [
    'S3 PutObject with x-amz-tagging also needs s3:PutObjectTagging',
    request('s3', 'PUT', KEY, tagged),
    'PutObject',
    [
      ['s3:PutObject', OBJECT],
      ['s3:PutObjectTagging', OBJECT],
    ],
  ],
  [
    'S3 CreateMultipartUpload with tagging',
    request('s3', 'POST', `${KEY}?uploads`, tagged),
    'CreateMultipartUpload',
    [
      ['s3:PutObject', OBJECT],
      ['s3:PutObjectTagging', OBJECT],
    ],
  ],
  [
    'S3 UploadPart',
    request('s3', 'PUT', `${KEY}?partNumber=2&uploadId=u1`),
    'UploadPart',
    [['s3:PutObject', OBJECT]],
  ],
  [
    'S3 CompleteMultipartUpload',
    request('s3', 'POST', `${KEY}?uploadId=u1`),
    'CompleteMultipartUpload',
    [['s3:PutObject', OBJECT]],
  ],
  [
    'S3 AbortMultipartUpload',
    request('s3', 'DELETE', `${KEY}?uploadId=u1`),
    'AbortMultipartUpload',
    [['s3:AbortMultipartUpload', OBJECT]],
  ],
  [
    'S3 ListParts',
    request('s3', 'GET', `${KEY}?uploadId=u1`),
    'ListParts',
    [['s3:ListMultipartUploadParts', OBJECT]],
  ],
  [
    'S3 ListMultipartUploads',
    request('s3', 'GET', '/artifacts?uploads&prefix=prod%2Fkatana-lambda.zip'),
    'ListMultipartUploads',
    [['s3:ListBucketMultipartUploads', BUCKET]],
  ],
  [
    'S3 GetObject',
    request('s3', 'GET', `${KEY}?x-id=GetObject`),
    'GetObject',
    [['s3:GetObject', OBJECT]],
  ],
  ['S3 HeadObject', request('s3', 'HEAD', KEY), 'HeadObject', [['s3:GetObject', OBJECT]]],
  [
    'S3 HeadObject of a version',
    request('s3', 'HEAD', `${KEY}?versionId=v1`),
    'HeadObject',
    [['s3:GetObjectVersion', OBJECT]],
  ],
  [
    'S3 GetObject of a version',
    request('s3', 'GET', `${KEY}?versionId=v1&x-id=GetObject`),
    'GetObject',
    [['s3:GetObjectVersion', OBJECT]],
  ],
  [
    'S3 ListObjectsV2 sends s3:prefix',
    request('s3', 'GET', '/artifacts?list-type=2&prefix=cache%2F'),
    'ListObjectsV2',
    [['s3:ListBucket', BUCKET, { 's3:prefix': 'cache/' }]],
  ],
  [
    'S3 ListObjects without a prefix',
    request('s3', 'GET', '/artifacts'),
    'ListObjects',
    [['s3:ListBucket', BUCKET, {}]],
  ],
  [
    'S3 ListObjectVersions sends s3:prefix',
    request('s3', 'GET', '/artifacts?versions&prefix=prod%2Fkatana-lambda.zip'),
    'ListObjectVersions',
    [['s3:ListBucketVersions', BUCKET, { 's3:prefix': 'prod/katana-lambda.zip' }]],
  ],
  [
    'S3 GetBucketVersioning',
    request('s3', 'GET', '/artifacts?versioning'),
    'GetBucketVersioning',
    [['s3:GetBucketVersioning', BUCKET]],
  ],
  ['S3 HeadBucket', request('s3', 'HEAD', '/artifacts'), 'HeadBucket', [['s3:ListBucket', BUCKET]]],
  [
    'S3 GetObjectTagging',
    request('s3', 'GET', `${KEY}?tagging`),
    'GetObjectTagging',
    [['s3:GetObjectTagging', OBJECT]],
  ],
  [
    'S3 keys are URI-decoded',
    request('s3', 'GET', '/artifacts/a%20b/c%2Bd'),
    'GetObject',
    [['s3:GetObject', `${BUCKET}/a b/c+d`]],
  ],
  [
    'Lambda GetFunction',
    request('lambda', 'GET', '/2015-03-31/functions/prod-KatanaLambda'),
    'GetFunction',
    [['lambda:GetFunction', FN]],
  ],
  [
    'Lambda GetFunctionConfiguration of a qualifier uses the qualified ARN',
    request(
      'lambda',
      'GET',
      '/2015-03-31/functions/prod-KatanaLambda/configuration?Qualifier=live',
    ),
    'GetFunctionConfiguration',
    [['lambda:GetFunctionConfiguration', `${FN}:live`]],
  ],
  [
    'Lambda function given by ARN',
    request(
      'lambda',
      'GET',
      `/2015-03-31/functions/${encodeURIComponent(`${FN}:7`)}/configuration`,
    ),
    'GetFunctionConfiguration',
    [['lambda:GetFunctionConfiguration', `${FN}:7`]],
  ],
  [
    'Lambda UpdateFunctionCode',
    request('lambda', 'PUT', '/2015-03-31/functions/prod-KatanaLambda/code'),
    'UpdateFunctionCode',
    [['lambda:UpdateFunctionCode', FN]],
  ],
  [
    'Lambda UpdateFunctionCode from an S3 object version also reads it as the caller',
    request('lambda', 'PUT', '/2015-03-31/functions/prod-KatanaLambda/code', {
      body: JSON.stringify({
        S3Bucket: 'artifacts',
        S3Key: 'prod/katana-lambda.zip',
        S3ObjectVersion: 'v1',
      }),
    }),
    'UpdateFunctionCode',
    [
      ['lambda:UpdateFunctionCode', FN],
      ['s3:GetObjectVersion', OBJECT],
    ],
  ],
  [
    'Lambda PublishVersion',
    request('lambda', 'POST', '/2015-03-31/functions/prod-KatanaLambda/versions'),
    'PublishVersion',
    [['lambda:PublishVersion', FN]],
  ],
  [
    'Lambda ListVersionsByFunction',
    request('lambda', 'GET', '/2015-03-31/functions/prod-KatanaLambda/versions'),
    'ListVersionsByFunction',
    [['lambda:ListVersionsByFunction', FN]],
  ],
  [
    'Lambda CreateAlias',
    request('lambda', 'POST', '/2015-03-31/functions/prod-KatanaLambda/aliases'),
    'CreateAlias',
    [['lambda:CreateAlias', FN]],
  ],
  [
    'Lambda GetAlias',
    request('lambda', 'GET', '/2015-03-31/functions/prod-KatanaLambda/aliases/live'),
    'GetAlias',
    [['lambda:GetAlias', FN]],
  ],
  [
    'Lambda UpdateAlias',
    request('lambda', 'PUT', '/2015-03-31/functions/prod-KatanaLambda/aliases/live'),
    'UpdateAlias',
    [['lambda:UpdateAlias', FN]],
  ],
  [
    'Lambda DeleteAlias',
    request('lambda', 'DELETE', '/2015-03-31/functions/prod-KatanaLambda/aliases/live'),
    'DeleteAlias',
    [['lambda:DeleteAlias', FN]],
  ],
  [
    'Lambda Invoke of an alias',
    request('lambda', 'POST', '/2015-03-31/functions/prod-KatanaLambda/invocations?Qualifier=live'),
    'Invoke',
    [['lambda:InvokeFunction', `${FN}:live`]],
  ],
  [
    'ECR GetAuthorizationToken is on "*"',
    ecr('GetAuthorizationToken', {}),
    'GetAuthorizationToken',
    [['ecr:GetAuthorizationToken', '*']],
  ],
  [
    'ECR PutImage',
    ecr('PutImage', { repositoryName: 'pipelines/blog' }),
    'PutImage',
    [['ecr:PutImage', REPO]],
  ],
  [
    'ECR DescribeRepositories by name',
    ecr('DescribeRepositories', { repositoryNames: ['pipelines/blog'] }),
    'DescribeRepositories',
    [['ecr:DescribeRepositories', REPO]],
  ],
  [
    'ECR with a registryId names that account',
    ecr('BatchGetImage', { registryId: '210987654321', repositoryName: 'x' }),
    'BatchGetImage',
    [['ecr:BatchGetImage', 'arn:aws:ecr:us-east-1:210987654321:repository/x']],
  ],
  [
    'STS GetCallerIdentity',
    request('sts', 'POST', '/', { body: 'Action=GetCallerIdentity&Version=2011-06-15' }),
    'GetCallerIdentity',
    [['sts:GetCallerIdentity', '*']],
  ],
];

describe('the IAM actions, resource and condition keys of a request', () => {
  it.each(rows)('%s', (_, facts, operation, expected) => {
    const meaning = requestMeaning(facts, scope);
    expect(meaning).toMatchObject({ known: true, operation });
    if (!meaning.known) return;
    expect(meaning.authorizations.map((a) => [a.action, a.resource])).toEqual(
      expected.map(([action, resource]) => [action, resource]),
    );
    for (const [i, [, , context]] of expected.entries()) {
      if (context) expect(meaning.authorizations[i]?.context).toEqual(context);
    }
  });

  it('marks S3 object reads so that a missing key can be answered 403 without s3:ListBucket', () => {
    expect(requestMeaning(request('s3', 'HEAD', KEY), scope)).toMatchObject({
      missingKeyBucketArn: BUCKET,
    });
    expect(requestMeaning(request('s3', 'PUT', KEY), scope)).not.toHaveProperty(
      'missingKeyBucketArn',
    );
  });

  it.each([
    ['an S3 bucket policy change', request('s3', 'PUT', '/artifacts?policy')],
    ['an S3 copy', request('s3', 'PUT', KEY, { headers: { 'x-amz-copy-source': '/other/key' } })],
    ['a batch delete', request('s3', 'POST', '/artifacts?delete')],
    ['a Lambda URL config', request('lambda', 'GET', '/2021-10-31/functions/f/url')],
    ['an ECR call without a repository', ecr('PutImage', {})],
    ['an IAM call', request('iam', 'POST', '/', { body: 'Action=CreateRole' })],
    ['STS AssumeRole without RoleArn', request('sts', 'POST', '/', { body: 'Action=AssumeRole' })],
  ])('does not know %s (the twin then denies it)', (_, facts) => {
    expect(requestMeaning(facts, scope)).toMatchObject({ known: false });
  });
});

describe('functionRef', () => {
  it.each([
    ['prod-KatanaLambda', FN, undefined],
    ['prod-KatanaLambda:live', FN, 'live'],
    ['123456789012:function:prod-KatanaLambda', FN, undefined],
    [`${FN}:3`, FN, '3'],
    [
      'arn:aws-cn:lambda:cn-north-1:210987654321:function:f',
      'arn:aws-cn:lambda:cn-north-1:210987654321:function:f',
      undefined,
    ],
  ])('%s', (name, arn, qualifier) => {
    expect(functionRef(name, scope)).toEqual({ arn, qualifier });
  });
});

describe('SSM Run Command requests', () => {
  const ssm = (operation: string, body: unknown) =>
    request('ssm', 'POST', '/', {
      headers: { 'x-amz-target': `AmazonSSM.${operation}` },
      body: JSON.stringify(body),
    });
  const DOCUMENT = 'arn:aws:ssm:us-east-1:123456789012:document/pipelines-deploy';
  const instance = (id: string) => `arn:aws:ec2:us-east-1:123456789012:instance/${id}`;
  const servers = [
    {
      instanceId: 'i-0000000000000000a',
      tags: { 'pipelines:environment': 'mint', 'pipelines:service': 'blog' },
    },
    {
      instanceId: 'i-0000000000000000b',
      tags: { 'pipelines:environment': 'mint', 'pipelines:service': 'blog' },
    },
  ];
  const targets = [
    { Key: 'tag:pipelines:environment', Values: ['mint'] },
    { Key: 'tag:pipelines:service', Values: ['blog'] },
  ];
  const lookups = {
    ssmTargets: (asked: readonly { Key: string; Values: readonly string[] }[]) =>
      asked.some((t) => t.Key.startsWith('tag:'))
        ? servers
        : servers.filter((s) => asked[0]?.Values.includes(s.instanceId)),
  };

  it('authorizes SendCommand with Targets on the document and on each instance they reach, with its tags as condition keys', () => {
    const meaning = requestMeaning(
      ssm('SendCommand', { DocumentName: 'pipelines-deploy', Targets: targets }),
      scope,
      lookups,
    );
    expect(meaning).toMatchObject({ known: true, operation: 'SendCommand' });
    if (!meaning.known) return;
    expect(meaning.authorizations).toEqual([
      { action: 'ssm:SendCommand', resource: DOCUMENT, context: {} },
      ...servers.map((s) => ({
        action: 'ssm:SendCommand',
        resource: instance(s.instanceId),
        context: {
          'ssm:resourceTag/pipelines:environment': 'mint',
          'aws:ResourceTag/pipelines:environment': 'mint',
          'ssm:resourceTag/pipelines:service': 'blog',
          'aws:ResourceTag/pipelines:service': 'blog',
        },
      })),
    ]);
  });

  it('authorizes SendCommand with InstanceIds on those instances, and an AWS-owned document without an account', () => {
    const meaning = requestMeaning(
      ssm('SendCommand', {
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: ['i-0000000000000000b'],
      }),
      scope,
      lookups,
    );
    expect(meaning.known && meaning.authorizations.map((a) => a.resource)).toEqual([
      'arn:aws:ssm:us-east-1::document/AWS-RunShellScript',
      instance('i-0000000000000000b'),
    ]);
  });

  it.each(['ListCommands', 'ListCommandInvocations', 'GetCommandInvocation'])(
    'authorizes %s on "*" (the reference lists no resource type for it)',
    (operation) => {
      const meaning = requestMeaning(ssm(operation, { CommandId: 'c' }), scope);
      expect(meaning.known && meaning.authorizations).toEqual([
        { action: `ssm:${operation}`, resource: '*', context: {} },
      ]);
    },
  );

  it('does not know SendCommand with Targets when nothing resolves them, nor other SSM calls', () => {
    expect(
      requestMeaning(ssm('SendCommand', { DocumentName: 'd', Targets: targets }), scope),
    ).toMatchObject({ known: false });
    expect(requestMeaning(ssm('PutParameter', { Name: 'p' }), scope)).toMatchObject({
      known: false,
    });
  });
});
