/**
 * What a name may look like where it ends up: git refs, environment names (GitHub environments,
 * shell-free identifiers), Lambda function names, S3 keys and buckets, ECR repositories. Pure
 * predicates; the callers turn a `false` into an issue with a line and a fix.
 */

/** Environment names are identifiers: safe in URLs, S3 keys, function names and shells alike. */
export const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** An AWS region name (us-east-1, eu-central-2, us-gov-west-1). */
export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** Lambda's rule for a function name (the name form, not an ARN). */
export const LAMBDA_FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Lambda's rule for an alias name: 1-128 letters, digits, - and _, not all digits (a version). */
export function isLambdaAlias(name: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(name) && !/^\d+$/.test(name);
}
/** S3's "safe characters" for keys, plus the slash as a folder separator. */
const S3_KEY_CHARS = /^[A-Za-z0-9!_.*'()/-]+$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Git's check-ref-format rules for a full ref name (refs/heads/x, refs/tags/y). */
export function isGitRefName(ref: string): boolean {
  if (ref === '' || ref === '@' || ref.length > 1024) return false;
  // Control characters, space, ~ ^ : ? * [ \ and DEL are never allowed.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return false;
  if (ref.includes('..') || ref.includes('@{') || ref.includes('//')) return false;
  if (ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.')) return false;
  return ref
    .split('/')
    .every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

/** A branch or tag name as it appears after refs/heads/ or refs/tags/. */
export function isGitShortName(name: string): boolean {
  return isGitRefName(`refs/x/${name}`);
}

export function isS3Key(key: string): boolean {
  return (
    Buffer.byteLength(key) <= 1024 &&
    S3_KEY_CHARS.test(key) &&
    !key.startsWith('/') &&
    key.split('/').every((part) => part !== '' && part !== '.' && part !== '..')
  );
}

export function isS3Bucket(bucket: string): boolean {
  return S3_BUCKET.test(bucket) && !bucket.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
}

/**
 * SSM's rule for a document name: 3-128 letters, digits, _ - and .; names starting with aws,
 * amazon or amzn (any case) are reserved for AWS's own documents.
 */
export function isSsmDocumentName(name: string): boolean {
  return /^[A-Za-z0-9_.-]{3,128}$/.test(name) && !/^(aws|amazon|amzn)/i.test(name);
}

export function isEcrRepository(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && ECR_REPOSITORY.test(name);
}

/** The placeholders (`{environment}`) a template uses, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
}

/** Fills `{name}` placeholders; unknown ones are left as they are (validation rejects them). */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => values[name] ?? whole);
}

export interface NameTemplates {
  artifactKey: string;
  functionName: string;
}

export type FilledNames =
  | { artifactKey: string; functionName: string; problem?: undefined; fix?: undefined }
  | { artifactKey: string; functionName: string; problem: string; fix: string };

/** An environment's package key and function name, and why they would be invalid, if they would. */
export function environmentNames(
  templates: NameTemplates,
  environment: string,
  tier: string,
): FilledNames {
  const values = { environment, tier };
  const functionName = fillTemplate(templates.functionName, values);
  const artifactKey = fillTemplate(templates.artifactKey, values);
  if (!LAMBDA_FUNCTION_NAME.test(functionName)) {
    return {
      artifactKey,
      functionName,
      problem: `gives the function name ${JSON.stringify(functionName)}, which Lambda refuses (1-64 letters, digits, - and _)`,
      fix: 'Shorten the environment name or fix names.function-name',
    };
  }
  if (!isS3Key(artifactKey)) {
    return {
      artifactKey,
      functionName,
      problem: `gives the package key ${JSON.stringify(artifactKey)}, which is not a safe S3 key`,
      fix: "Use letters, digits, ! _ . * ' ( ) - and / between non-empty folder names in names.artifact-key",
    };
  }
  return { artifactKey, functionName };
}
