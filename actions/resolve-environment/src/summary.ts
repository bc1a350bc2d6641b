/** The step's outputs and summary rows for a resolution: pure, so the table test covers them. */
import type { Row } from '@pipelines/action-kit';
import {
  imagesOf,
  uploadEnvironmentName,
  type EnvironmentsConfig,
  type Resolution,
} from '@pipelines/environments';

export function outputsOf(
  resolution: Resolution,
  config: EnvironmentsConfig,
): Record<string, string> {
  return {
    environment: resolution.environment ?? '',
    tier: resolution.tier,
    build: String(resolution.build),
    deploy: String(resolution.deploy),
    approval: String(resolution.approval),
    'upload-environment':
      resolution.environment === null
        ? ''
        : uploadEnvironmentName(resolution.environment, resolution.approval),
    'artifact-key': resolution.artifactKey,
    'function-name': resolution.functionName,
    'function-alias': resolution.functionAlias,
    bucket: resolution.bucket,
    // Every image to build and push, for the image jobs' matrix: [{"repository","service"}].
    // Always the file's list, whatever the ref: the matrix is expanded before the jobs' `if`.
    images: JSON.stringify(imagesOf(config)),
    'environment-url': environmentUrl(resolution, config),
    servers: String(resolution.servers),
    'deploy-document': resolution.deployDocument,
    'release-prefix': resolution.releasePrefix,
  };
}

/**
 * What opens what an environment runs (the URL its deployment record shows). Each tier's servers
 * serve one blog, at blog.<the tier's zone>, named as the infra names it: the project's domain for
 * the upper tier, <tier>.<domain> for the others. That blog is the public face of the tier's
 * approval environment (prod), whose deploy also promotes the blog's image; every other
 * environment is its Lambda function, on the console page of the project's region.
 */
export function environmentUrl(resolution: Resolution, config: EnvironmentsConfig): string {
  if (resolution.environment === null || !resolution.deploy) return '';
  const { domain, region } = config.project;
  if (resolution.approval) {
    const zone = resolution.tier === 'upper' ? domain : `${resolution.tier}.${domain}`;
    return `https://blog.${zone}`;
  }
  return `https://${region}.console.aws.amazon.com/lambda/home?region=${region}#/functions/${encodeURIComponent(resolution.functionName)}`;
}

export function summaryRows(ref: string, resolution: Resolution): Row[] {
  const yesNo = (v: boolean) => (v ? 'yes' : 'no');
  return [
    ['ref', ref],
    ['environment', resolution.environment ?? 'none'],
    ['tier', resolution.tier],
    ['build', yesNo(resolution.build)],
    ['deploy', yesNo(resolution.deploy)],
    ['approval', yesNo(resolution.approval)],
    ['artifact key', resolution.artifactKey],
    ['function name', resolution.functionName],
    ['function alias', resolution.functionAlias],
    ['bucket', resolution.bucket],
    ['decided by', resolution.matchedBy],
  ];
}
