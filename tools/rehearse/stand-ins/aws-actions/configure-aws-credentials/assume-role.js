// The configure-aws-credentials stand-in: what the real action does with OIDC, against the
// rehearsal. It asks the rehearsal's token service for the job's OIDC token (as the real action
// asks ACTIONS_ID_TOKEN_REQUEST_URL), calls STS AssumeRoleWithWebIdentity on the local AWS, and
// exports the temporary credentials, masked. No long-lived key is ever exported.
'use strict';
const fs = require('node:fs');

const env = process.env;
const fail = (message) => {
  console.log(`::error::${message}`);
  process.exit(1);
};
const need = (name) => env[name] || fail(`the rehearsal sets ${name}`);

/**
 * act has repository-level variables only; on GitHub, AWS_ROLE_ARN is a variable of each job's
 * environment. The rehearsal passes this marker as the repository value and every environment's
 * value in REHEARSAL_ENVIRONMENT_ROLES, and the stand-in picks the job's, as GitHub would.
 */
const ENVIRONMENT_VARIABLE = 'environment:AWS_ROLE_ARN';

function roleToAssume() {
  const given = (env.ROLE || '').trim();
  if (given !== ENVIRONMENT_VARIABLE) return given;
  const environment = env.REHEARSAL_JOB_ENVIRONMENT || '';
  const roles = JSON.parse(env.REHEARSAL_ENVIRONMENT_ROLES || '{}');
  if (!environment) {
    fail(
      'role-to-assume is empty: AWS_ROLE_ARN is a variable of each GitHub environment, and this job declares no environment. Declare the environment whose role the job needs.',
    );
  }
  return roles[environment] || '';
}

async function token(environment) {
  const query = new URLSearchParams({
    audience: env.AUDIENCE || 'sts.amazonaws.com',
    ref: env.GITHUB_REF || '',
    sha: env.GITHUB_SHA || '',
    workflow: env.GITHUB_WORKFLOW || '',
    workflow_path: env.REHEARSAL_WORKFLOW_PATH || '',
    event_name: env.GITHUB_EVENT_NAME || 'push',
    run_id: env.GITHUB_RUN_ID || '1',
    actor: env.GITHUB_ACTOR || 'rehearsal',
  });
  if (environment) query.set('environment', environment);
  const response = await fetch(`${need('REHEARSAL_OIDC_REQUEST_URL')}?${query}`, {
    headers: { authorization: `Bearer ${need('REHEARSAL_OIDC_REQUEST_TOKEN')}` },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.value !== 'string') {
    fail(
      `Could not get an OIDC token for ${environment ? `environment ${environment}` : 'this job'}: ${body.message || `HTTP ${response.status}`}`,
    );
  }
  return body.value;
}

const tag = (xml, name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

async function assumeRole(role, webIdentityToken, duration) {
  const response = await fetch(need('REHEARSAL_AWS_ENDPOINT_URL'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: role,
      RoleSessionName: env.SESSION_NAME || 'GitHubActions',
      WebIdentityToken: webIdentityToken,
      DurationSeconds: duration || '3600',
    }),
  });
  const xml = await response.text();
  if (!response.ok) {
    fail(
      `Could not assume role with OIDC: ${tag(xml, 'Code') || `HTTP ${response.status}`}: ${tag(xml, 'Message') || xml.slice(0, 300)}`,
    );
  }
  const credentials = {
    accessKeyId: tag(xml, 'AccessKeyId'),
    secretAccessKey: tag(xml, 'SecretAccessKey'),
    sessionToken: tag(xml, 'SessionToken'),
  };
  if (!credentials.accessKeyId || !credentials.secretAccessKey || !credentials.sessionToken) {
    fail(`Could not assume role with OIDC: STS answered without credentials: ${xml.slice(0, 300)}`);
  }
  return { ...credentials, assumedRole: tag(xml, 'Arn') || role };
}

async function main() {
  if (env.REHEARSAL_ID_TOKEN !== 'write') {
    // What the real action says when GitHub gives the job no ACTIONS_ID_TOKEN_REQUEST_URL.
    fail(
      'Could not get an OIDC token: the job lacks the permission id-token: write. Add `permissions: { id-token: write }` to the job.',
    );
  }
  const region = (env.REGION || '').trim();
  const role = roleToAssume();
  if (!role) fail('role-to-assume is empty: set the AWS_ROLE_ARN variable of the environment.');
  if (!region) fail('aws-region is empty: set the AWS_REGION variable.');
  const environment = env.REHEARSAL_JOB_ENVIRONMENT || '';
  const credentials = await assumeRole(role, await token(environment), env.DURATION);
  // Masked before anything else can print them, as the real action does with core.setSecret.
  for (const secret of [
    credentials.accessKeyId,
    credentials.secretAccessKey,
    credentials.sessionToken,
  ]) {
    console.log(`::add-mask::${secret}`);
  }
  const account = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(credentials.assumedRole)?.[1] ?? '';
  fs.appendFileSync(
    need('GITHUB_ENV'),
    [
      `AWS_ENDPOINT_URL=${need('REHEARSAL_AWS_ENDPOINT_URL')}`,
      `AWS_ACCESS_KEY_ID=${credentials.accessKeyId}`,
      `AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`,
      `AWS_SESSION_TOKEN=${credentials.sessionToken}`,
      `AWS_REGION=${region}`,
      `AWS_DEFAULT_REGION=${region}`,
      'AWS_EC2_METADATA_DISABLED=true',
      '',
    ].join('\n'),
  );
  fs.appendFileSync(need('GITHUB_OUTPUT'), `aws-account-id=${account}\n`);
  console.log(
    `stand-in configure-aws-credentials: assumed ${credentials.assumedRole} with an OIDC token for ${environment ? `environment ${environment}` : 'a job without environment'}`,
  );
}

main().catch((error) =>
  fail(
    `Could not configure AWS credentials: ${error && error.message ? error.message : String(error)}`,
  ),
);
