/**
 * What an AWS API request asks IAM for: the operation, and for each IAM action it needs, the
 * resource ARN and the condition keys the service would send to IAM. Pure: a request in, a
 * meaning out. A request this module does not know is `known: false`, and the twin denies it:
 * a new kind of request must be taught here (with a row in requestActions.test.ts) before a test
 * can pass through it.
 *
 * Sources: the Service Authorization Reference pages of S3, Lambda, ECR, STS and Systems Manager ("Actions,
 * resources, and condition keys"), S3's "Required permissions for Amazon S3 API operations", and
 * Lambda's "Fine-tuning the Resources and Conditions sections of policies".
 */

export interface RequestFacts {
  readonly method: string;
  /** The request path as sent (URI-encoded), without the query string. */
  readonly path: string;
  /** Query parameters, decoded. A parameter without a value (`?uploads`) maps to ''. */
  readonly query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text (JSON and form services; S3 bodies are not read). */
  readonly body: string;
  /** The signing service of the credential scope (`s3`, `lambda`, `ecr`, `sts`). */
  readonly service: string;
}

export interface Scope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

export type ContextValues = Record<string, string | string[]>;

export interface Authorization {
  readonly action: string;
  readonly resource: string;
  readonly context: ContextValues;
  /** What the service says when this one is denied, if not IAM's usual sentence. */
  readonly deniedMessage?: string;
}

export type RequestMeaning =
  | {
      readonly known: true;
      readonly service: string;
      readonly operation: string;
      readonly authorizations: readonly Authorization[];
      /**
       * Set on S3 GetObject/HeadObject: S3 answers a missing key with 403, not 404, unless the
       * caller may s3:ListBucket on this bucket (for a request without a prefix).
       */
      readonly missingKeyBucketArn?: string;
    }
  | { readonly known: false; readonly service: string; readonly reason: string };

const unknown = (service: string, reason: string): RequestMeaning => ({
  known: false,
  service,
  reason,
});

/** A managed instance as IAM sees it when a command reaches it: its id and its EC2 tags. */
export interface TargetInstance {
  readonly instanceId: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What the twin looks up outside the request itself. */
export interface RequestLookups {
  /** The instances an SSM SendCommand's Targets resolve to (the SSM stand-in knows them). */
  readonly ssmTargets?: (
    targets: readonly { Key: string; Values: readonly string[] }[],
  ) => readonly TargetInstance[];
}

export function requestMeaning(
  request: RequestFacts,
  scope: Scope,
  lookups: RequestLookups = {},
): RequestMeaning {
  switch (request.service) {
    case 'ssm':
      return ssmMeaning(request, scope, lookups);
    case 's3':
      return s3Meaning(request, scope);
    case 'lambda':
      return lambdaMeaning(request, scope);
    case 'ecr':
      return ecrMeaning(request, scope);
    case 'sts':
      return stsMeaning(request);
    default:
      return unknown(request.service, `the service "${request.service}"`);
  }
}

// --- S3 (path-style addressing: the actions use it whenever the endpoint is overridden) ---

function s3Meaning(request: RequestFacts, scope: Scope): RequestMeaning {
  const { method, query, headers } = request;
  const segments = request.path.replace(/^\//, '').split('/');
  const bucket = decodeURIComponent(segments[0] ?? '');
  const key = segments.slice(1).map(decodeURIComponent).join('/');
  const has = (name: string) => name in query;
  const bucketArn = `arn:${scope.partition}:s3:::${bucket}`;
  const objectArn = `${bucketArn}/${key}`;
  const known = (
    operation: string,
    actions: readonly (string | false | undefined)[],
    resource: string,
    context: ContextValues = {},
    missingKeyBucketArn?: string,
  ): RequestMeaning => ({
    known: true,
    service: 's3',
    operation,
    authorizations: actions
      .filter((a): a is string => typeof a === 'string')
      .map((action) => ({ action, resource, context })),
    ...(missingKeyBucketArn ? { missingKeyBucketArn } : {}),
  });
  const versioned = (plain: string, version: string) => (has('versionId') ? version : plain);
  // Headers that make a write need more than s3:PutObject.
  const writeExtras = [
    headers['x-amz-tagging'] !== undefined && 's3:PutObjectTagging',
    headers['x-amz-acl'] !== undefined && 's3:PutObjectAcl',
  ];
  const listContext = (): ContextValues => ({
    ...(has('prefix') ? { 's3:prefix': query.prefix ?? '' } : {}),
    ...(has('delimiter') ? { 's3:delimiter': query.delimiter ?? '' } : {}),
  });

  if (bucket === '') {
    return method === 'GET'
      ? known('ListBuckets', ['s3:ListAllMyBuckets'], '*')
      : unknown('s3', `${method} /`);
  }
  if (headers['x-amz-copy-source'] !== undefined) {
    return unknown('s3', `a copy (x-amz-copy-source) to s3://${bucket}/${key}`);
  }
  if (key === '') {
    switch (method) {
      case 'GET':
        if (has('versioning'))
          return known('GetBucketVersioning', ['s3:GetBucketVersioning'], bucketArn);
        if (has('versions'))
          return known('ListObjectVersions', ['s3:ListBucketVersions'], bucketArn, listContext());
        if (has('uploads'))
          return known('ListMultipartUploads', ['s3:ListBucketMultipartUploads'], bucketArn);
        if (has('location')) return known('GetBucketLocation', ['s3:GetBucketLocation'], bucketArn);
        if (Object.keys(query).every((q) => LIST_OBJECTS_PARAMETERS.has(q))) {
          return known(
            has('list-type') ? 'ListObjectsV2' : 'ListObjects',
            ['s3:ListBucket'],
            bucketArn,
            listContext(),
          );
        }
        break;
      case 'HEAD':
        return known('HeadBucket', ['s3:ListBucket'], bucketArn);
    }
    return unknown('s3', `${method} on bucket ${bucket} with ${describeQuery(query)}`);
  }
  switch (method) {
    case 'PUT':
      if (has('uploadId') && has('partNumber'))
        return known('UploadPart', ['s3:PutObject'], objectArn);
      if (has('tagging'))
        return known(
          versioned('PutObjectTagging', 'PutObjectVersionTagging'),
          [versioned('s3:PutObjectTagging', 's3:PutObjectVersionTagging')],
          objectArn,
        );
      if (onlyParameters(query, []))
        return known('PutObject', ['s3:PutObject', ...writeExtras], objectArn);
      break;
    case 'POST':
      if (has('uploads'))
        return known('CreateMultipartUpload', ['s3:PutObject', ...writeExtras], objectArn);
      if (has('uploadId')) return known('CompleteMultipartUpload', ['s3:PutObject'], objectArn);
      break;
    case 'DELETE':
      if (has('uploadId'))
        return known('AbortMultipartUpload', ['s3:AbortMultipartUpload'], objectArn);
      if (onlyParameters(query, ['versionId']))
        return known(
          'DeleteObject',
          [versioned('s3:DeleteObject', 's3:DeleteObjectVersion')],
          objectArn,
        );
      break;
    case 'GET':
    case 'HEAD': {
      const operation = method === 'GET' ? 'GetObject' : 'HeadObject';
      if (has('uploadId')) return known('ListParts', ['s3:ListMultipartUploadParts'], objectArn);
      if (has('tagging'))
        return known(
          versioned('GetObjectTagging', 'GetObjectVersionTagging'),
          [versioned('s3:GetObjectTagging', 's3:GetObjectVersionTagging')],
          objectArn,
        );
      if (onlyParameters(query, OBJECT_READ_PARAMETERS)) {
        return known(
          operation,
          [versioned('s3:GetObject', 's3:GetObjectVersion')],
          objectArn,
          {},
          bucketArn,
        );
      }
      break;
    }
  }
  return unknown('s3', `${method} on s3://${bucket}/${key} with ${describeQuery(query)}`);
}

const LIST_OBJECTS_PARAMETERS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'marker',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'x-id',
]);
const OBJECT_READ_PARAMETERS = [
  'versionId',
  'partNumber',
  'x-id',
  'response-content-type',
  'response-content-disposition',
  'response-cache-control',
  'response-content-encoding',
  'response-content-language',
  'response-expires',
];

const onlyParameters = (query: Readonly<Record<string, string>>, allowed: readonly string[]) =>
  Object.keys(query).every((q) => q === 'x-id' || allowed.includes(q));

const describeQuery = (query: Readonly<Record<string, string>>) =>
  Object.keys(query).length === 0 ? 'no query' : `query ${Object.keys(query).sort().join('&')}`;

// --- Lambda (REST JSON, API version 2015-03-31) ---

interface FunctionRef {
  readonly arn: string;
  readonly qualifier: string | undefined;
}

/** A FunctionName as the API accepts it: name, name:qualifier, partial ARN or full ARN. */
export function functionRef(nameOrArn: string, scope: Scope): FunctionRef {
  const full = /^arn:([^:]+):lambda:([^:]+):(\d{12}):function:([^:]+)(?::(.+))?$/.exec(nameOrArn);
  const partial = /^(?:(\d{12}):function:)?([^:]+)(?::(.+))?$/.exec(nameOrArn);
  const [partition, region, account, name, qualifier] = full
    ? [full[1], full[2], full[3], full[4], full[5]]
    : [
        scope.partition,
        scope.region,
        partial?.[1] ?? scope.account,
        partial?.[2] ?? nameOrArn,
        partial?.[3],
      ];
  return { arn: `arn:${partition}:lambda:${region}:${account}:function:${name}`, qualifier };
}

function lambdaMeaning(request: RequestFacts, scope: Scope): RequestMeaning {
  const { method, query } = request;
  const match = /^\/2015-03-31\/functions\/?([^/]*)(\/.*)?$/.exec(request.path);
  if (!match) return unknown('lambda', `${method} ${request.path}`);
  const fn = decodeURIComponent(match[1] ?? '');
  const rest = match[2] ?? '';
  const known = (operation: string, action: string, resource: string): RequestMeaning => ({
    known: true,
    service: 'lambda',
    operation,
    authorizations: [{ action: `lambda:${action}`, resource, context: {} }],
  });
  if (fn === '') {
    if (method === 'GET') return known('ListFunctions', 'ListFunctions', '*');
    if (method === 'POST') {
      const name = jsonField(request.body, 'FunctionName');
      if (name) return known('CreateFunction', 'CreateFunction', functionRef(name, scope).arn);
    }
    return unknown('lambda', `${method} ${request.path}`);
  }
  const ref = functionRef(fn, scope);
  const qualifier = ref.qualifier ?? query.Qualifier;
  // Actions that act on a version or alias are authorized on the qualified ARN.
  const qualified = qualifier ? `${ref.arn}:${qualifier}` : ref.arn;
  const route = LAMBDA_ROUTES[`${method} ${rest.replace(/^\/aliases\/[^/]+$/, '/aliases/{name}')}`];
  if (!route) return unknown('lambda', `${method} ${request.path}`);
  const [operation, action, on] = route;
  const meaning = known(operation, action ?? operation, on === 'qualified' ? qualified : ref.arn);
  return meaning.known && operation === 'UpdateFunctionCode'
    ? {
        ...meaning,
        authorizations: [...meaning.authorizations, ...codeFromS3(request.body, scope)],
      }
    : meaning;
}

/**
 * Lambda reads a package given by S3Bucket/S3Key with the caller's own credentials, so the
 * caller needs s3:GetObject (s3:GetObjectVersion with S3ObjectVersion) on it, and a denial
 * comes back from Lambda in its own words.
 */
function codeFromS3(body: string, scope: Scope): Authorization[] {
  const code = parseJson(body);
  if (typeof code.S3Bucket !== 'string' || typeof code.S3Key !== 'string') return [];
  const versioned = typeof code.S3ObjectVersion === 'string';
  return [
    {
      action: versioned ? 's3:GetObjectVersion' : 's3:GetObject',
      resource: `arn:${scope.partition}:s3:::${code.S3Bucket}/${code.S3Key}`,
      context: {},
      deniedMessage: `Your access has been denied by S3, please make sure your request credentials have permission to GetObject for ${code.S3Bucket}/${code.S3Key}. S3 Error Code: AccessDenied. S3 Error Message: Access Denied`,
    },
  ];
}

/**
 * `<method> <path after the function name>` -> operation, IAM action (when it differs), and
 * whether IAM sees the qualified ARN (`<function arn>:<version or alias>`) for a Qualifier.
 */
const LAMBDA_ROUTES: Readonly<
  Record<string, readonly [string, string | undefined, 'qualified' | 'function']>
> = {
  'GET ': ['GetFunction', undefined, 'qualified'],
  'GET /': ['GetFunction', undefined, 'qualified'],
  'DELETE ': ['DeleteFunction', undefined, 'qualified'],
  'GET /configuration': ['GetFunctionConfiguration', undefined, 'qualified'],
  'PUT /configuration': ['UpdateFunctionConfiguration', undefined, 'function'],
  'PUT /code': ['UpdateFunctionCode', undefined, 'function'],
  'POST /versions': ['PublishVersion', undefined, 'function'],
  'GET /versions': ['ListVersionsByFunction', undefined, 'function'],
  'POST /aliases': ['CreateAlias', undefined, 'function'],
  'GET /aliases': ['ListAliases', undefined, 'function'],
  'GET /aliases/{name}': ['GetAlias', undefined, 'function'],
  'PUT /aliases/{name}': ['UpdateAlias', undefined, 'function'],
  'DELETE /aliases/{name}': ['DeleteAlias', undefined, 'function'],
  'POST /invocations': ['Invoke', 'InvokeFunction', 'qualified'],
  'GET /policy': ['GetPolicy', undefined, 'qualified'],
};

// --- ECR API (JSON 1.1, the operation in X-Amz-Target) ---

/** ECR operations that act on the registry, not a repository: IAM accepts only "*". */
const ECR_ACCOUNT_OPERATIONS = new Set(['GetAuthorizationToken', 'DescribeRegistry']);

function ecrMeaning(request: RequestFacts, scope: Scope): RequestMeaning {
  const target = request.headers['x-amz-target'] ?? '';
  const operation = /^AmazonEC2ContainerRegistry_V20150921\.(\w+)$/.exec(target)?.[1];
  if (!operation) return unknown('ecr', `X-Amz-Target "${target}"`);
  const action = `ecr:${operation}`;
  const known = (resources: readonly string[]): RequestMeaning => ({
    known: true,
    service: 'ecr',
    operation,
    authorizations: resources.map((resource) => ({ action, resource, context: {} })),
  });
  if (ECR_ACCOUNT_OPERATIONS.has(operation)) return known(['*']);
  const body = parseJson(request.body);
  const account = typeof body.registryId === 'string' ? body.registryId : scope.account;
  const arn = (name: string) =>
    `arn:${scope.partition}:ecr:${scope.region}:${account}:repository/${name}`;
  if (typeof body.repositoryName === 'string') return known([arn(body.repositoryName)]);
  if (operation === 'DescribeRepositories') {
    const names = Array.isArray(body.repositoryNames) ? body.repositoryNames.map(String) : [];
    // Without names the call lists every repository the caller may describe.
    return known(names.length > 0 ? names.map(arn) : [arn('*')]);
  }
  return unknown('ecr', `${operation} without a repositoryName`);
}

// --- Systems Manager Run Command (JSON 1.1, the operation in X-Amz-Target) ---

/** SSM operations IAM authorizes only on "*" (no resource types in the reference). */
const SSM_WILDCARD_OPERATIONS = new Set([
  'ListCommands',
  'ListCommandInvocations',
  'GetCommandInvocation',
  'DescribeInstanceInformation',
]);

/**
 * SendCommand is authorized on the document and on every instance the command reaches, each
 * instance with its tags as `ssm:resourceTag/<key>` and `aws:ResourceTag/<key>` (how a policy
 * limits Run Command to tagged instances). With Targets, the instances are the ones the targets
 * resolve to at the time of the call (the stand-in resolves them).
 */
function ssmMeaning(request: RequestFacts, scope: Scope, lookups: RequestLookups): RequestMeaning {
  const target = request.headers['x-amz-target'] ?? '';
  const operation = /^AmazonSSM\.(\w+)$/.exec(target)?.[1];
  if (!operation) return unknown('ssm', `X-Amz-Target "${target}"`);
  const action = `ssm:${operation}`;
  const known = (authorizations: Authorization[]): RequestMeaning => ({
    known: true,
    service: 'ssm',
    operation,
    authorizations,
  });
  if (SSM_WILDCARD_OPERATIONS.has(operation))
    return known([{ action, resource: '*', context: {} }]);
  if (operation !== 'SendCommand') return unknown('ssm', operation);
  const body = parseJson(request.body);
  const name = typeof body.DocumentName === 'string' ? body.DocumentName : '';
  const document = name.startsWith('arn:')
    ? name
    : // Documents AWS owns (AWS-RunShellScript) have no account in their ARN.
      `arn:${scope.partition}:ssm:${scope.region}:${name.startsWith('AWS-') ? '' : scope.account}:document/${name}`;
  const targets = Array.isArray(body.Targets)
    ? (body.Targets as { Key: string; Values: string[] }[])
    : [];
  const ids = Array.isArray(body.InstanceIds) ? body.InstanceIds.map(String) : [];
  if (targets.length > 0 && !lookups.ssmTargets) {
    return unknown(
      'ssm',
      'SendCommand with Targets (the twin was started without the SSM stand-in that resolves them)',
    );
  }
  const resolve = lookups.ssmTargets ?? (() => []);
  const registered = resolve([{ Key: 'InstanceIds', Values: ids }]);
  const reached: readonly TargetInstance[] =
    targets.length > 0
      ? resolve(targets)
      : ids.map(
          (id) => registered.find((i) => i.instanceId === id) ?? { instanceId: id, tags: {} },
        );
  return known([
    { action, resource: document, context: {} },
    ...reached.map(({ instanceId, tags }) => ({
      action,
      resource: `arn:${scope.partition}:ec2:${scope.region}:${scope.account}:instance/${instanceId}`,
      context: Object.fromEntries(
        Object.entries(tags).flatMap(([key, value]) => [
          [`ssm:resourceTag/${key}`, value],
          [`aws:ResourceTag/${key}`, value],
        ]),
      ),
    })),
  ]);
}

// --- STS (query protocol; AssumeRoleWithWebIdentity is unsigned and handled by the twin) ---

function stsMeaning(request: RequestFacts): RequestMeaning {
  const form = new URLSearchParams(request.method === 'POST' ? request.body : '');
  const operation = form.get('Action') ?? request.query.Action ?? '';
  const known = (resource: string): RequestMeaning => ({
    known: true,
    service: 'sts',
    operation,
    authorizations: [{ action: `sts:${operation}`, resource, context: {} }],
  });
  if (operation === 'GetCallerIdentity') return known('*');
  const roleArn = form.get('RoleArn');
  if (operation === 'AssumeRole' && roleArn) return known(roleArn);
  return unknown('sts', `Action=${operation}`);
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function jsonField(text: string, field: string): string | undefined {
  const value = parseJson(text)[field];
  return typeof value === 'string' ? value : undefined;
}
