/**
 * The rollout's decisions, without I/O: what the releases input means, which instances a release
 * targets, and what an SSM command's invocations say about the release.
 */
import { InputError } from '@pipelines/action-kit/errors';

/** The services that have app servers; their database servers (`<service>-db`) are never targeted. */
export const SERVICES = ['blog', 'proxy', 'fulcrum', 'rocketchat'] as const;
export type Service = (typeof SERVICES)[number];

/** Services deployed from an S3 object version plus its sha256; the others from an image digest. */
const S3_SERVICES: ReadonlySet<Service> = new Set(['blog', 'proxy']);

/** The instance tags the infra puts on every server (and the deploy document's targets). */
export const ENVIRONMENT_TAG = 'pipelines:environment';
export const SERVICE_TAG = 'pipelines:service';

// The deploy document's allowedPattern for `artifact` and `sha256` (services/lib/deploy-document.json;
// decide.test.ts keeps them equal): checked here first, so bad input fails before SendCommand.
export const S3_ARTIFACT =
  's3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[A-Za-z0-9!_.*()/-]{1,1024}\\?versionId=[A-Za-z0-9._%+/=-]{1,1024}';
export const IMAGE_ARTIFACT =
  '[a-z0-9][a-z0-9.-]*(:[0-9]{1,5})?/[a-z0-9][a-z0-9._/-]*@sha256:[a-f0-9]{64}';
export const ARTIFACT_PATTERN = `^(${S3_ARTIFACT}|${IMAGE_ARTIFACT})$`;
export const SHA256_PATTERN = '^([a-f0-9]{64})?$';
/** One artifact of each form, whole. */
const S3_URI = new RegExp(`^${S3_ARTIFACT}$`);
const IMAGE_URI = new RegExp(`^${IMAGE_ARTIFACT}$`);

export interface Release {
  readonly service: Service;
  /** s3://bucket/key?versionId=v, or registry/repository@sha256:digest. */
  readonly artifact: string;
  /** The S3 object's sha256; '' for an image (its digest is its checksum). */
  readonly sha256: string;
}

const LINE_FORM =
  'one release per line: `<service> s3://<bucket>/<key>?versionId=<id> <sha256>` (blog, proxy) or `<service> <registry>/<repository>@sha256:<digest>` (fulcrum, rocketchat)';

/** The releases input: one `<service> <artifact> [sha256]` per line, blank lines and `#` comments skipped. */
export function parseReleases(text: string): Release[] {
  const releases: Release[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `line ${index + 1} ("${line.length > 160 ? `${line.slice(0, 160)}…` : line}")`;
    const bad = (problem: string, fix: string) =>
      new InputError('releases', `${where} ${problem}`, fix);
    const [service = '', artifact = '', sha256 = '', ...rest] = line.split(/\s+/);
    if (rest.length > 0) throw bad('has more than three fields', `Give ${LINE_FORM}.`);
    if (!(SERVICES as readonly string[]).includes(service)) {
      throw bad(
        `names the unknown service "${service}"`,
        `Use one of ${SERVICES.join(', ')} (database servers are never deployed to).`,
      );
    }
    const known = service as Service;
    if (releases.some((r) => r.service === known)) {
      throw bad(
        `deploys ${known} a second time`,
        'Give each service at most one line: a rollout deploys one release per service.',
      );
    }
    if (S3_SERVICES.has(known)) {
      if (!S3_URI.test(artifact)) {
        throw bad(
          `has a malformed artifact for ${known}`,
          `Pass the exact S3 object version s3://<bucket>/<key>?versionId=<id> (s3-upload's bucket, key and version-id outputs), never a bare key.`,
        );
      }
      if (!/^[a-f0-9]{64}$/.test(sha256)) {
        throw bad(
          `has no valid sha256 for ${known}`,
          "Pass s3-upload's sha256 output (64 lower-case hex digits) after the artifact.",
        );
      }
    } else {
      if (!IMAGE_URI.test(artifact)) {
        throw bad(
          `has a malformed image for ${known}`,
          "Pass the image by digest, <registry>/<repository>@sha256:<digest> (ecr-push's image-uri output), never by tag.",
        );
      }
      if (sha256 !== '') {
        throw bad(
          `gives ${known} a sha256`,
          'An image takes no sha256 (its digest is its checksum): drop the third field.',
        );
      }
    }
    releases.push({ service: known, artifact, sha256 });
  });
  return releases;
}

/** The services whose servers run an image (their release is the run's image of that service). */
const IMAGE_SERVICES: ReadonlySet<Service> = new Set(['fulcrum', 'rocketchat']);

/**
 * The run's images (release-candidate's `images` output: `[{repository, service, digest,
 * "image-uri", ...}]`) as releases of the servers that run an image: one `<service> <image-uri>`
 * release per image of fulcrum or rocketchat, in the given order. Other images (the blog's, which
 * its server does not run) are not rolled out. '' (no input) is no image.
 */
export function imageReleases(json: string): Release[] {
  if (json.trim() === '') return [];
  const bad = (problem: string) =>
    new InputError(
      'images',
      problem,
      'Pass release-candidate\'s images output (a JSON array of {service, "image-uri", ...}).',
    );
  let images: unknown;
  try {
    images = JSON.parse(json);
  } catch (error) {
    throw bad(`is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(images)) throw bad('is not a JSON array');
  const releases: Release[] = [];
  images.forEach((image: unknown, index) => {
    const entry = (typeof image === 'object' && image !== null ? image : {}) as Record<
      string,
      unknown
    >;
    const service = entry.service;
    if (typeof service !== 'string') throw bad(`entry ${index + 1} has no service`);
    if (!IMAGE_SERVICES.has(service as Service)) return;
    const uri = entry['image-uri'];
    if (typeof uri !== 'string' || !IMAGE_URI.test(uri)) {
      throw bad(
        `entry ${index + 1} (${service}) has no image-uri by digest, <registry>/<repository>@sha256:<digest>`,
      );
    }
    if (releases.some((r) => r.service === service))
      throw bad(`lists ${service} twice: a rollout deploys one release per service`);
    releases.push({ service: service as Service, artifact: uri, sha256: '' });
  });
  return releases;
}

/** SSM Targets: the servers of this environment that run this service (both tags must match). */
export function targetsFor(environment: string, service: Service) {
  return [
    { Key: `tag:${ENVIRONMENT_TAG}`, Values: [environment] },
    { Key: `tag:${SERVICE_TAG}`, Values: [service] },
  ];
}

/** SSM's command statuses after which nothing more happens. */
const TERMINAL_COMMAND = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
export const isTerminalCommand = (status: string | undefined) =>
  status !== undefined && TERMINAL_COMMAND.has(status);

/** One server's part of a release, as the summary shows it. */
export interface ServerResult {
  readonly instanceId: string;
  readonly service: Service;
  readonly artifact: string;
  /** SSM's invocation status (Success, Failed, TimedOut, Cancelled, ...), or 'not started'. */
  readonly status: string;
  /** SSM's finer word for it (Delivery Timed Out, Undeliverable, Access Denied, ...). */
  readonly statusDetails: string;
  /** deploy.sh's exit code; -1 when it did not run. */
  readonly responseCode: number;
  /** The last lines of what deploy.sh wrote (stdout, then stderr). */
  readonly outputTail: string;
}

/** What an invocation's result means, in words a reader of the failed step acts on. */
export function invocationMeaning(
  status: string,
  responseCode: number,
  statusDetails = '',
): string {
  if (status === 'Success') return 'deployed';
  if (statusDetails === 'Access Denied') {
    return "was not allowed to run the document (Access Denied): the deploy role may send it only to its environment's servers, nothing was changed on the server";
  }
  if (statusDetails === 'Undeliverable' || statusDetails === 'Delivery Timed Out') {
    return `could not be reached (${statusDetails}: is its SSM agent online?), nothing was changed on the server`;
  }
  if (responseCode === 1)
    return 'failed its health check and was rolled back (exit 1): the server runs its previous release';
  if (responseCode === 2) return 'refused the input (exit 2): nothing was changed on the server';
  if (status === 'TimedOut')
    return 'timed out: the server may be half-way, read its log (docs/runbook.md)';
  if (status === 'Cancelled')
    return 'was cancelled before deploy.sh ran: nothing was changed on the server';
  if (responseCode >= 0) return `failed with exit ${responseCode}`;
  return `ended ${status}`;
}

export type ReleaseVerdict =
  { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether a release reached every server of its service: at least one targeted, and each one
 * Success. Zero targets is an error: a rollout that changed nothing must not look like a deploy.
 */
export function releaseVerdict(
  environment: string,
  release: Release,
  servers: readonly ServerResult[],
): ReleaseVerdict {
  if (servers.length === 0) {
    return {
      ok: false,
      reason: `Could not roll out ${release.service} to ${environment}: no instance is tagged ${ENVIRONMENT_TAG}=${environment} and ${SERVICE_TAG}=${release.service} (or none is a managed instance online in SSM). Deploy the environment's servers (infra: the servers of the tier, tagged by the infra), or check the tags and that the SSM agent is online (aws ssm describe-instance-information)`,
    };
  }
  const failed = servers.filter((s) => s.status !== 'Success');
  if (failed.length === 0) return { ok: true };
  const each = failed
    .map((s) => `${s.instanceId} ${invocationMeaning(s.status, s.responseCode, s.statusDetails)}`)
    .join('; ');
  return {
    ok: false,
    reason: `Could not roll out ${release.service} (${release.artifact}) to ${environment}: ${each}. Read the server's output in the job summary or with aws ssm get-command-invocation (docs/runbook.md)`,
  };
}

/** The last `count` non-empty lines of a text. */
export function lastLines(text: string, count = 5): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-count)
    .join('\n');
}

/** The command's comment (SSM keeps at most 100 characters): the run's URL, or its id. */
export function commandComment(env: Readonly<Record<string, string | undefined>>): string {
  const run = env.GITHUB_RUN_ID ?? 'local';
  const url = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${run}`;
  return url.length <= 100 ? url : `pipelines run ${run}`.slice(0, 100);
}
