/**
 * The IAM roles of a synthesized CloudFormation template, with their trust policy and every
 * identity policy attached to them, as plain JSON policy documents: the intrinsic functions the
 * CDK app emits are resolved for one account and region, so that a policy simulator can evaluate
 * them the way IAM would after `cdk deploy`.
 */

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

export interface RolePolicy {
  /** The inline policy's name, or the logical id of the AWS::IAM::Policy resource. */
  readonly name: string;
  readonly document: PolicyDocument;
}

export interface TemplateRole {
  readonly logicalId: string;
  /** RoleName, or the logical id when the template leaves the name to CloudFormation. */
  readonly name: string;
  readonly arn: string;
  readonly trustPolicy: PolicyDocument;
  /** Inline `Policies` and the AWS::IAM::Policy / ManagedPolicy resources of the template. */
  readonly policies: readonly RolePolicy[];
  /**
   * Managed policies outside the template (AWS managed ones): not evaluated, so whatever only
   * they would allow is denied (the twin fails closed).
   */
  readonly externalManagedPolicyArns: readonly string[];
}

export interface TemplateTarget {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
}

export interface CloudFormationTemplate {
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

type Resources = NonNullable<CloudFormationTemplate['Resources']>;

/** Thrown for a template the resolver cannot read: names where in the template and what. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const urlSuffix = (partition: string) =>
  partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';

/** Resolves the intrinsic functions of one value; `where` names the place for error messages. */
export function resolveIntrinsics(
  value: unknown,
  resources: Resources,
  target: Required<TemplateTarget>,
  where: string,
): unknown {
  const recurse = (v: unknown, at: string) => resolveIntrinsics(v, resources, target, at);
  if (Array.isArray(value)) return value.map((v, i) => recurse(v, `${where}[${i}]`));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const intrinsic = keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'));
  if (!intrinsic) {
    return Object.fromEntries(keys.map((k) => [k, recurse(record[k], `${where}.${k}`)]));
  }
  const fn = keys[0] as string;
  const arg = record[fn];
  const asString = (v: unknown, at: string): string => {
    const resolved = recurse(v, at);
    if (typeof resolved !== 'string') {
      throw new TemplateError(`${at}: expected a string, got ${JSON.stringify(resolved)}`);
    }
    return resolved;
  };
  switch (fn) {
    case 'Ref':
      return resolveRef(String(arg), resources, target, where);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
      return resolveGetAtt(String(logicalId), String(attribute), resources, target, where);
    }
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p, i) => asString(p, `${where}.Fn::Join[${i}]`)).join(separator);
    }
    case 'Fn::Sub': {
      const [text, variables] = (Array.isArray(arg) ? arg : [arg, {}]) as [
        string,
        Record<string, unknown>,
      ];
      return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        if (name in variables) return asString(variables[name], `${where}.Fn::Sub.${name}`);
        const [id, attribute] = name.split('.');
        return attribute
          ? String(resolveGetAtt(id ?? '', attribute, resources, target, where))
          : String(resolveRef(name, resources, target, where));
      });
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      const items = recurse(list, `${where}.Fn::Select`);
      if (!Array.isArray(items)) throw new TemplateError(`${where}: Fn::Select of a non-list`);
      return items[Number(recurse(index, where))];
    }
    case 'Fn::Split': {
      const [separator, text] = arg as [string, unknown];
      return asString(text, `${where}.Fn::Split`).split(separator);
    }
    default:
      throw new TemplateError(
        `Could not resolve ${fn} at ${where}: the IAM twin does not know this intrinsic function. Resolve it in the app (a plain value) or teach tools/testkit/src/iam/template.ts.`,
      );
  }
}

function resolveRef(
  name: string,
  resources: Resources,
  target: Required<TemplateTarget>,
  where: string,
): string {
  switch (name) {
    case 'AWS::Partition':
      return target.partition;
    case 'AWS::Region':
      return target.region;
    case 'AWS::AccountId':
      return target.account;
    case 'AWS::URLSuffix':
      return urlSuffix(target.partition);
  }
  const resource = resources[name];
  const props = resource?.Properties ?? {};
  const text = (key: string) =>
    String(resolveIntrinsics(props[key], resources, target, `${name}.Properties.${key}`));
  switch (resource?.Type) {
    case 'AWS::IAM::OIDCProvider':
      return `arn:${target.partition}:iam::${target.account}:oidc-provider/${text('Url').replace(/^https:\/\//, '')}`;
    case 'AWS::IAM::Role':
      return props.RoleName === undefined ? name : text('RoleName');
    case 'AWS::IAM::ManagedPolicy':
      return `arn:${target.partition}:iam::${target.account}:policy/${props.ManagedPolicyName === undefined ? name : text('ManagedPolicyName')}`;
    case 'AWS::S3::Bucket':
    case 'AWS::ECR::Repository':
    case 'AWS::Lambda::Function':
      for (const key of ['BucketName', 'RepositoryName', 'FunctionName']) {
        if (props[key] !== undefined) return text(key);
      }
  }
  throw new TemplateError(
    `Could not resolve {"Ref": "${name}"} at ${where}: ${resource ? `a ${resource.Type} without a fixed name` : 'no such resource or pseudo parameter'}. Give the resource a fixed name in the app, or teach tools/testkit/src/iam/template.ts.`,
  );
}

function resolveGetAtt(
  logicalId: string,
  attribute: string,
  resources: Resources,
  target: Required<TemplateTarget>,
  where: string,
): string {
  const resource = resources[logicalId];
  const { partition, region, account } = target;
  if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
    const path = (resource.Properties?.Path as string | undefined) ?? '/';
    return `arn:${partition}:iam::${account}:role${path}${resolveRef(logicalId, resources, target, where)}`;
  }
  const named = attribute === 'Arn' ? resolveRef(logicalId, resources, target, where) : undefined;
  if (named !== undefined) {
    switch (resource?.Type) {
      case 'AWS::S3::Bucket':
        return `arn:${partition}:s3:::${named}`;
      case 'AWS::ECR::Repository':
        return `arn:${partition}:ecr:${region}:${account}:repository/${named}`;
      case 'AWS::Lambda::Function':
        return `arn:${partition}:lambda:${region}:${account}:function:${named}`;
      case 'AWS::IAM::OIDCProvider':
        return named;
    }
  }
  throw new TemplateError(
    `Could not resolve {"Fn::GetAtt": ["${logicalId}", "${attribute}"]} at ${where}: the IAM twin knows only the ARNs of roles, OIDC providers, and named buckets, repositories and functions. Teach tools/testkit/src/iam/template.ts.`,
  );
}

const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function asDocument(value: unknown, where: string): PolicyDocument {
  const statements = (value as { Statement?: unknown } | undefined)?.Statement;
  if (!Array.isArray(statements)) throw new TemplateError(`${where}: no Statement list`);
  return value as PolicyDocument;
}

/** Every AWS::IAM::Role of the template, with its trust policy and attached policies resolved. */
export function rolesFromTemplate(
  template: CloudFormationTemplate,
  target: TemplateTarget,
): TemplateRole[] {
  const resources = template.Resources ?? {};
  const full: Required<TemplateTarget> = { partition: 'aws', ...target };
  const resolve = (value: unknown, where: string) =>
    resolveIntrinsics(value, resources, full, where);
  const entries = Object.entries(resources);

  return entries
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([logicalId, role]) => {
      const props = role.Properties ?? {};
      const name = resolveRef(logicalId, resources, full, logicalId);
      const inline = asList(props.Policies).map((p, i) => {
        const policy = p as { PolicyName: unknown; PolicyDocument: unknown };
        const where = `${logicalId}.Properties.Policies[${i}]`;
        return {
          name: String(resolve(policy.PolicyName, `${where}.PolicyName`)),
          document: asDocument(resolve(policy.PolicyDocument, where), where),
        };
      });
      // A policy resource attaches to this role when its Roles list names it ({"Ref": id}).
      const attached = entries
        .filter(
          ([, r]) =>
            (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') &&
            asList(r.Properties?.Roles).some(
              (ref, i) => resolve(ref, `${r.Type}.Roles[${i}]`) === name,
            ),
        )
        .map(([policyId, r]) => {
          const where = `${policyId}.Properties.PolicyDocument`;
          return {
            name: policyId,
            document: asDocument(resolve(r.Properties?.PolicyDocument, where), where),
          };
        });
      const managedInTemplate = new Map(
        entries
          .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy')
          .map(([id, r]) => [
            resolveRef(id, resources, full, id),
            { name: id, document: asDocument(resolve(r.Properties?.PolicyDocument, id), id) },
          ]),
      );
      const managedArns = asList(props.ManagedPolicyArns).map((arn, i) =>
        String(resolve(arn, `${logicalId}.Properties.ManagedPolicyArns[${i}]`)),
      );
      const fromArns = managedArns.flatMap((arn) => {
        const policy = managedInTemplate.get(arn);
        return policy && !attached.some((a) => a.name === policy.name) ? [policy] : [];
      });
      const trustWhere = `${logicalId}.Properties.AssumeRolePolicyDocument`;
      const path = (props.Path as string | undefined) ?? '/';
      return {
        logicalId,
        name,
        arn: `arn:${full.partition}:iam::${full.account}:role${path}${name}`,
        trustPolicy: asDocument(resolve(props.AssumeRolePolicyDocument, trustWhere), trustWhere),
        policies: [...inline, ...attached, ...fromArns],
        externalManagedPolicyArns: managedArns.filter((arn) => !managedInTemplate.has(arn)),
      };
    });
}
