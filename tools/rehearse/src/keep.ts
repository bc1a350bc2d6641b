/** What `--keep` prints: the local endpoints and how to use them with the AWS CLI. Pure. */
import type { ProvisioningPlan } from './plan';

export interface KeepFacts {
  moto: { endpoint: string };
  registry: { endpoint: string; host: string };
  plan: ProvisioningPlan;
  resolution: {
    environment: string | null;
    bucket: string;
    artifactKey: string;
    functionName: string;
  };
}

export function keepHelp(facts: KeepFacts): string {
  const bucket = facts.resolution.bucket || (facts.plan.buckets[0]?.name ?? '<bucket>');
  const key = facts.resolution.artifactKey || '<key>';
  const fn = facts.resolution.functionName || (facts.plan.functions[0]?.name ?? '<function>');
  const repo = facts.plan.repositories[0] ?? '<repository>';
  const env = [
    `AWS_ENDPOINT_URL=${facts.moto.endpoint}`,
    'AWS_ACCESS_KEY_ID=testing',
    'AWS_SECRET_ACCESS_KEY=testing',
    `AWS_REGION=${facts.plan.region}`,
  ].join(' ');
  return [
    'The local AWS keeps running (Ctrl-C stops it and removes everything):',
    `  moto (S3, Lambda, ECR, IAM, STS)  ${facts.moto.endpoint}`,
    `  OCI registry                      ${facts.registry.endpoint}`,
    '',
    'In another shell:',
    `  export ${env}`,
    `  aws s3api list-object-versions --bucket ${bucket} --prefix ${key}`,
    `  aws lambda get-function --function-name ${fn} --query Configuration.CodeSha256`,
    `  aws ecr describe-images --repository-name ${repo}`,
    `  curl -s ${facts.registry.endpoint}/v2/${repo}/tags/list`,
    `  skopeo inspect --tls-verify=false docker://${facts.registry.host}/${repo}:<tag>`,
  ].join('\n');
}
