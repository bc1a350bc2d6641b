import { ArnFormat, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { candidateEnvironmentName, githubOidcSubject } from '@pipelines/environments';
import type { EnvironmentConfig, GithubRepository } from '../config';
import { outputIds } from '../outputs';
import { SERVER_TAGS } from './network-stack';

const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

export interface GithubOidcStackProps extends StackProps {
  readonly github: GithubRepository;
  readonly environments: readonly EnvironmentConfig[];
  // By name, not by reference: the policies read as the names in environments.yml, and the
  // stacks that own these resources are not locked by CloudFormation exports.
  readonly bucketName: string;
  readonly repositoryNames: readonly string[];
  /** Import the account's provider instead of creating it (one per account is allowed). */
  readonly existingProviderArn?: string | undefined;
  /** The SSM Command document the rollout environment's role may run on the servers. */
  readonly deployDocument: string;
}

/**
 * The OIDC subject GitHub presents for a job that declares `environment: <env>`, in the form the
 * repository issues: `repo:<owner>@<owner-id>/<repo>@<repo-id>:environment:<env>` (immutable, every
 * repository created or renamed on or after 2026-07-15) or `repo:<owner>/<repo>:environment:<env>`.
 */
export function githubSubject(github: GithubRepository, environment: string): string {
  const ids =
    github.oidc.form === 'immutable'
      ? { owner: github.oidc.ownerId, repository: github.oidc.repositoryId }
      : undefined;
  return githubOidcSubject(`${github.owner}/${github.repo}`, environment, ids);
}

/**
 * GitHub's OIDC provider and one role per environment. A job can assume an environment's role
 * only when it runs in that GitHub environment (so prod's role is behind prod's reviewers), and
 * the role can touch only that environment's package folder, function and the tier's image
 * repositories. No access keys exist anywhere.
 */
export class GithubOidcStack extends Stack {
  readonly provider: iam.IOidcProvider;
  /** By environment name. */
  readonly roles: ReadonlyMap<string, iam.Role>;
  /** Each role's inline policy, by environment name. */
  readonly policies: ReadonlyMap<string, iam.Policy>;
  /**
   * The upload roles of approval environments, by candidate environment name (`prod-candidate`):
   * the pipeline uploads the package and pushes the image in `<env>-candidate` before the hold,
   * so those jobs must not hold the environment's deploy role (that is behind the reviewers).
   */
  readonly candidateRoles: ReadonlyMap<string, iam.Role>;
  readonly candidatePolicies: ReadonlyMap<string, iam.Policy>;

  constructor(scope: Construct, id: string, props: GithubOidcStackProps) {
    super(scope, id, props);
    this.provider = props.existingProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(
          this,
          'GithubProvider',
          props.existingProviderArn,
        )
      : new iam.OidcProviderNative(this, 'GithubProvider', {
          url: `https://${GITHUB_ISSUER}`,
          clientIds: ['sts.amazonaws.com'],
        });

    const roles = new Map<string, iam.Role>();
    const policies = new Map<string, iam.Policy>();
    const candidateRoles = new Map<string, iam.Role>();
    const candidatePolicies = new Map<string, iam.Policy>();
    const addRole = (name: string, what: string, statements: iam.PolicyStatement[]) => {
      const role = new iam.Role(this, `DeployRole-${name}`, {
        roleName: `${props.github.repo}-deploy-${name}`.slice(0, 64),
        description: `${what} of environment ${name} in ${props.github.owner}/${props.github.repo}`,
        assumedBy: new iam.WebIdentityPrincipal(this.provider.oidcProviderArn, {
          // Exact match on purpose (StringEquals, never StringLike): no other owner, repository
          // or environment, and no subject of the other form, can reach this role.
          StringEquals: {
            [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com',
            [`${GITHUB_ISSUER}:sub`]: githubSubject(props.github, name),
          },
        }),
      });
      const policy = new iam.Policy(this, `DeployPolicy-${name}`, { statements });
      role.attachInlinePolicy(policy);
      new CfnOutput(this, outputIds.role(name), {
        value: role.roleArn,
        description: `AWS_ROLE_ARN of GitHub environment ${name}`,
      });
      return { role, policy };
    };
    for (const env of props.environments) {
      const { role, policy } = addRole(env.name, 'Assumed by GitHub Actions jobs', [
        ...deployStatements(this, env, props.bucketName, props.repositoryNames),
        ...(env.servers ? rolloutStatements(this, env.name, props.deployDocument) : []),
      ]);
      roles.set(env.name, role);
      policies.set(env.name, policy);
      if (env.approval) {
        const name = candidateEnvironmentName(env.name);
        const candidate = addRole(
          name,
          `Upload only (package and image, no Lambda) before the hold, assumed by GitHub Actions jobs`,
          uploadStatements(this, env, props.bucketName, props.repositoryNames),
        );
        candidateRoles.set(name, candidate.role);
        candidatePolicies.set(name, candidate.policy);
      }
    }
    this.roles = roles;
    this.policies = policies;
    this.candidateRoles = candidateRoles;
    this.candidatePolicies = candidatePolicies;

    new CfnOutput(this, outputIds.bucket, {
      value: props.bucketName,
      description: 'ARTIFACT_BUCKET',
    });
    new CfnOutput(this, outputIds.region, { value: this.region, description: 'AWS_REGION' });
    new CfnOutput(this, outputIds.registry, {
      value: `${this.account}.dkr.ecr.${this.region}.${this.urlSuffix}`,
      description: 'ECR_REGISTRY',
    });
  }
}

/**
 * What one environment's jobs do: upload its package (unless an approval environment's candidate
 * role does that, before the hold), deploy its function, push or promote images. Every grant here
 * is exercised by the actions' IAM-strict tests; tools/testkit/src/iam/mutation.test.ts removes
 * each one in turn and fails if nothing notices, and lists the few kept for paths a normal run
 * does not take.
 */
function deployStatements(
  stack: Stack,
  env: EnvironmentConfig,
  bucketName: string,
  repositoryNames: readonly string[],
): iam.PolicyStatement[] {
  const functionArn = stack.formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: env.functionName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return [
    ...(env.approval
      ? [approvedPackageStatement(stack, env, bucketName)]
      : packageStatements(stack, env, bucketName)),
    ...imageStatements(stack, repositoryNames, env.approval ? 'promote' : 'push'),
    new iam.PolicyStatement({
      sid: 'DeployThisEnvironmentsFunction',
      // lambda-deploy: read, update the code, publish, then create or move the alias.
      // DeleteAlias: its rollback when a deploy that created the alias fails after moving it.
      actions: [
        'lambda:GetFunctionConfiguration',
        'lambda:UpdateFunctionCode',
        'lambda:PublishVersion',
        'lambda:GetAlias',
        'lambda:CreateAlias',
        'lambda:UpdateAlias',
        'lambda:DeleteAlias',
      ],
      // The function and its versions and aliases (`<arn>:<qualifier>`).
      resources: [functionArn, `${functionArn}:*`],
    }),
  ];
}

/**
 * What an upload job does (s3-upload, ecr-push): put and read the environment's package and its
 * versions, check versioning, and push images. The candidate roles get only this.
 */
function uploadStatements(
  stack: Stack,
  env: EnvironmentConfig,
  bucketName: string,
  repositoryNames: readonly string[],
): iam.PolicyStatement[] {
  return [
    ...packageStatements(stack, env, bucketName),
    ...imageStatements(stack, repositoryNames, 'push'),
  ];
}

const bucketArnOf = (stack: Stack, bucketName: string) =>
  `arn:${stack.partition}:s3:::${bucketName}`;

/**
 * After the hold, an approval environment's role only deploys the approved package version:
 * Lambda reads the object with the caller's own credentials (UpdateFunctionCode with
 * S3ObjectVersion needs s3:GetObjectVersion on it). Its uploads ran as the candidate role.
 */
function approvedPackageStatement(
  stack: Stack,
  env: EnvironmentConfig,
  bucketName: string,
): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DeployThisEnvironmentsPackage',
    actions: ['s3:GetObjectVersion'],
    resources: [`${bucketArnOf(stack, bucketName)}/${env.artifactPrefix}*`],
  });
}

/**
 * The folders an environment uploads to: its package's, and, for the environment that rolls out
 * to the servers, its release folder when that is not inside the first (by default it is:
 * `mint/releases/` is in `mint/`).
 */
export function uploadFolders(env: EnvironmentConfig): string[] {
  const releases = env.servers && !env.releasePrefix.startsWith(env.artifactPrefix);
  return releases ? [env.artifactPrefix, env.releasePrefix] : [env.artifactPrefix];
}

/** s3-upload's requests for the environment's package (and Lambda's read of it at deploy). */
function packageStatements(
  stack: Stack,
  env: EnvironmentConfig,
  bucketName: string,
): iam.PolicyStatement[] {
  const bucketArn = bucketArnOf(stack, bucketName);
  const folders = uploadFolders(env);
  return [
    new iam.PolicyStatement({
      sid: 'PackagesOfThisEnvironment',
      // Multipart parts and aborts: large packages are uploaded in parts, and a failed upload
      // is aborted rather than left to bill. PutObjectTagging: s3-upload tags each version with
      // its provenance in the PutObject/CreateMultipartUpload request itself (x-amz-tagging), and
      // S3 authorizes that header as s3:PutObjectTagging on top of s3:PutObject.
      actions: [
        's3:PutObject',
        's3:PutObjectTagging',
        's3:GetObject',
        's3:GetObjectVersion',
        's3:AbortMultipartUpload',
      ],
      resources: folders.map((folder) => `${bucketArn}/${folder}*`),
    }),
    new iam.PolicyStatement({
      sid: 'ListOnlyThisEnvironmentsFolder',
      // s3-upload lists with Prefix = the key (ListObjectsV2) for the current object's size, and
      // only when a skip is possible reads the listed key with HeadObject (s3:GetObject above).
      // Only under the environment's folder: a missing key is then a 403 to HeadObject (S3 hides
      // whether it exists from a caller that may not list the whole bucket), so s3-upload never
      // probes a key the listing did not show.
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      conditions: {
        StringLike: { 's3:prefix': folders.flatMap((folder) => [folder, `${folder}*`]) },
      },
    }),
    new iam.PolicyStatement({
      sid: 'CheckBucketVersioning',
      // ListBucketMultipartUploads: s3-upload lists the key's open multipart uploads before a
      // multipart upload and after a failed one, to abort those it started whose ids it never
      // learned (lost answers).
      actions: ['s3:GetBucketVersioning', 's3:ListBucketMultipartUploads'],
      resources: [bucketArn],
    }),
  ];
}

/**
 * ecr-push: the token (GetAuthorizationToken accepts only "*") and the repository check over the
 * ECR API, then the registry protocol, which ECR authorizes request by request: HEAD blob is
 * BatchCheckLayerAvailability, an upload Initiate/UploadLayerPart/CompleteLayerUpload, a manifest
 * HEAD/GET BatchGetImage and a manifest PUT PutImage. A push uploads; a promotion by digest within
 * the repository (what an approval environment's role does after the hold) only reads the
 * approved manifest and puts the new tag: a registry that serves the manifest has its blobs, so
 * ecr-push checks none of them (no BatchCheckLayerAvailability).
 */
function imageStatements(
  stack: Stack,
  repositoryNames: readonly string[],
  use: 'push' | 'promote',
): iam.PolicyStatement[] {
  if (repositoryNames.length === 0) return [];
  const upload = ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'];
  return [
    new iam.PolicyStatement({
      sid: use === 'push' ? 'PushImages' : 'PromoteImages',
      actions: [
        'ecr:DescribeRepositories',
        ...(use === 'push' ? ['ecr:BatchCheckLayerAvailability'] : []),
        'ecr:BatchGetImage',
        ...(use === 'push' ? upload : []),
        'ecr:PutImage',
      ],
      resources: repositoryNames.map((name) =>
        stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: name }),
      ),
    }),
    new iam.PolicyStatement({
      sid: 'RegistryLogin',
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
    }),
  ];
}

/**
 * The server rollout (SSM Run Command), for the one environment whose deploys roll out to the
 * tier's servers: run the deploy document, and only on instances tagged with this environment.
 * SendCommand is authorized against the document and against each instance it reaches (also
 * when the command targets instances by tag): an instance without the tag answers AccessDenied.
 * Then follow the command and its invocations (ListCommands, ListCommandInvocations and
 * GetCommandInvocation accept no resource narrower than "*").
 */
function rolloutStatements(
  stack: Stack,
  environment: string,
  documentName: string,
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'RunTheDeployDocument',
      actions: ['ssm:SendCommand'],
      resources: [
        stack.formatArn({ service: 'ssm', resource: 'document', resourceName: documentName }),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'OnThisEnvironmentsServers',
      actions: ['ssm:SendCommand'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
      conditions: { StringEquals: { [`ssm:resourceTag/${SERVER_TAGS.environment}`]: environment } },
    }),
    new iam.PolicyStatement({
      sid: 'FollowTheRollout',
      actions: ['ssm:ListCommands', 'ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'],
      resources: ['*'],
    }),
  ];
}
