/**
 * The answers AWS gives when IAM says no, in each service's own wire shape, so that an action's
 * SDK sees exactly the error it would see against AWS (name, status, message).
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** IAM's message for an implicit (or explicit) deny by identity policies, as services word it. */
export function notAuthorizedMessage(
  principalArn: string,
  action: string,
  resource: string,
  options: { quoteResource: boolean; explicit: boolean },
): string {
  const on = options.quoteResource ? `"${resource}"` : resource;
  const why = options.explicit
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  return `User: ${principalArn} is not authorized to perform: ${action} on resource: ${on} ${why}`;
}

/** S3 quotes the resource in its message; Lambda, ECR and STS do not. */
export const quotesResource = (service: string) => service === 's3';

/** An error answer of one service: S3 REST XML, Lambda REST JSON, ECR JSON 1.1, STS query XML. */
export function serviceError(
  service: string,
  method: string,
  code: string,
  message: string,
  status?: number,
): Answer {
  const requestId = randomUUID();
  switch (service) {
    case 's3': {
      const headers = {
        'content-type': 'application/xml',
        'x-amz-request-id': requestId.replace(/-/g, '').slice(0, 16).toUpperCase(),
        'x-amz-id-2': randomBytes(48).toString('base64'),
      };
      // A HEAD answer has no body: the SDK sees only the status (403 Forbidden).
      const body =
        method === 'HEAD'
          ? ''
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${headers['x-amz-request-id']}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`;
      return { status: status ?? 403, headers, body };
    }
    case 'lambda':
      return {
        status: status ?? 403,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': code,
          'x-amzn-requestid': requestId,
        },
        body: JSON.stringify({ Type: 'User', Message: message }),
      };
    case 'sts':
      return {
        status: status ?? 403,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
      };
    default:
      // JSON 1.1 services (ECR): AccessDeniedException is a 400 there.
      return {
        status: status ?? 400,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: code, message }),
      };
  }
}

/** The code each service uses for an access denied. */
export const accessDeniedCode = (service: string) =>
  service === 's3' || service === 'sts' ? 'AccessDenied' : 'AccessDeniedException';

/** An access key nobody issued: S3's InvalidAccessKeyId, the JSON services' 403. */
export function unknownKeyAnswer(service: string, method: string): Answer {
  return service === 's3'
    ? serviceError(
        service,
        method,
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
      )
    : serviceError(
        service,
        method,
        service === 'sts' ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        403,
      );
}

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** STS's AssumeRoleWithWebIdentity answer. */
export function webIdentityAnswer(options: {
  credentials: IssuedCredentials;
  assumedRoleArn: string;
  assumedRoleId: string;
  subject: string;
  audience: string;
  provider: string;
}): Answer {
  const { credentials: c } = options;
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
    body: `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${xmlEscape(options.subject)}</SubjectFromWebIdentityToken>
    <Audience>${xmlEscape(options.audience)}</Audience>
    <AssumedRoleUser>
      <Arn>${xmlEscape(options.assumedRoleArn)}</Arn>
      <AssumedRoleId>${xmlEscape(options.assumedRoleId)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${c.sessionToken}</SessionToken>
      <SecretAccessKey>${c.secretAccessKey}</SecretAccessKey>
      <Expiration>${c.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>
      <AccessKeyId>${c.accessKeyId}</AccessKeyId>
    </Credentials>
    <Provider>${xmlEscape(options.provider)}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
`,
  };
}
