/**
 * What each rehearsed server serves at the end of a phase: its current release (the release
 * folder deploy.sh switched to: the first 16 hex digits of the release's sha256) against the
 * run's (upload's blog-sha256 / proxy-sha256; for fulcrum and rocketchat the digest of the run's
 * image of that service), and the blog read through the proxy by host name
 * (https://blog.<domain>, its certificate self-signed), as a visitor reaches it.
 */
import { spawnSync } from 'node:child_process';
import type { ActLog } from './actLog';
import { EXIT, type Conclusion } from './conclusion';
import type { RunRecord } from './record';
import { jobOutput, listedImages } from './results';
import {
  IMAGE_SERVERS,
  type BootedServer,
  type RehearsedServer,
  type ServersSetup,
} from './servers';
import { textTable, type Column } from './summary';

export interface ServerRow {
  readonly server: string;
  readonly environment: string;
  readonly instanceId: string;
  /** The release the server runs now (`bundled`: the one its install left, no deploy yet). */
  readonly release: string;
  /** This run's release of that server, when the run uploaded one. */
  readonly runRelease?: string | undefined;
  readonly result: 'this run' | 'not this run' | 'unreachable';
}

export interface ServersObservation {
  readonly rows: readonly ServerRow[];
  /** The blog's page, fetched through the proxy by host name (undefined: no answer). */
  readonly throughProxy?: string | undefined;
  /** The blog's page on the blog host itself. */
  readonly blogPage?: string | undefined;
}

/** A release id as deploy.sh names it: the first 16 hex digits of its sha256. Pure. */
export const releaseId = (sha256: string | undefined) => sha256?.slice(0, 16);

/**
 * The run's image digests of the servers that run an image (release-candidate's images output, a
 * JSON array of {service, digest: 'sha256:<hex>'}), as the hex deploy.sh names such a release by.
 * Other images (the blog's: its server runs the site uploaded to S3) are left out. Unreadable or
 * absent: none. Pure.
 */
export function imageDigests(json: string | undefined): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const { service, digest } of listedImages(json)) {
    const hex =
      typeof digest === 'string' ? /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1] : undefined;
    if (typeof service === 'string' && IMAGE_SERVERS.has(service as RehearsedServer) && hex)
      digests[service] = hex;
  }
  return digests;
}

/** A server's row: its release against the run's. Pure. */
export function serverRow(
  server: Pick<BootedServer, 'service' | 'instanceId'>,
  environment: string,
  release: string | undefined,
  runSha256: string | undefined,
): ServerRow {
  const runRelease = releaseId(runSha256);
  return {
    server: server.service,
    environment,
    instanceId: server.instanceId,
    release: release ?? '-',
    runRelease,
    result:
      release === undefined
        ? 'unreachable'
        : runRelease !== undefined && release === runRelease
          ? 'this run'
          : 'not this run',
  };
}

export const SERVER_COLUMNS: readonly Column<ServerRow>[] = [
  { header: 'server', cell: (row) => row.server },
  { header: 'environment', cell: (row) => row.environment },
  { header: 'instance', cell: (row) => row.instanceId },
  { header: 'release', cell: (row) => row.release },
  { header: "this run's", cell: (row) => row.runRelease },
  { header: 'serves', cell: (row) => row.result },
];

/** The servers' table, or the plain line saying the rollout was not rehearsed. Pure. */
export function serversSummary(
  setup: Pick<ServersSetup, 'rehearsed'> & { reason?: string },
  observation: ServersObservation | undefined,
): string {
  if (!setup.rehearsed) return `Servers: ${setup.reason ?? 'not rehearsed'}.`;
  if (!observation) return 'Servers: not observed.';
  const proxied =
    observation.throughProxy === undefined
      ? 'the proxy did not answer for the blog'
      : observation.throughProxy === observation.blogPage
        ? 'the proxy serves the blog host’s page for the blog’s host name'
        : 'the proxy answers the blog’s host name with another page than the blog host’s';
  return `\nEach server's release (${proxied}):\n\n${textTable(SERVER_COLUMNS, observation.rows)}`;
}

/** Reads each server's current release and the blog through the proxy. */
export async function observeServers(
  servers: readonly BootedServer[],
  environment: string,
  domain: string,
  runSha256: Readonly<Record<string, string | undefined>>,
): Promise<ServersObservation> {
  const rows = await Promise.all(
    servers.map(async (server) => {
      const answer = await server.host.exec(
        `basename "$(readlink /opt/pipelines/${server.service}/current)"`,
      );
      const release = answer.code === 0 ? answer.stdout.trim() : undefined;
      return serverRow(server, environment, release, runSha256[server.service]);
    }),
  );
  const proxy = servers.find((s) => s.service === 'proxy');
  const blog = servers.find((s) => s.service === 'blog');
  const blogPage = blog
    ? (await blog.host.exec("curl --silent --max-time 10 'http://127.0.0.1:3000/'")).stdout
    : undefined;
  return {
    rows,
    throughProxy: proxy ? blogThroughProxy(domain, proxy.address) : undefined,
    blogPage,
  };
}

/** GET https://blog.<domain>/ from this machine, the name resolved to the proxy host. */
export function blogThroughProxy(domain: string, proxyAddress: string): string | undefined {
  const name = `blog.${domain}`;
  const result = spawnSync(
    'curl',
    [
      '--silent',
      '--insecure',
      '--fail',
      '--max-time',
      '10',
      '--resolve',
      `${name}:443:${proxyAddress}`,
      `https://${name}/`,
    ],
    { encoding: 'utf8' },
  );
  return result.status === 0 ? result.stdout : undefined;
}

/** The problems a phase's servers show, given how the run ended. Pure. */
export function serverProblems(exitCode: number, observation: ServersObservation): string[] {
  // Held (3) or failed: the verdict so far says what happened; the table shows what runs.
  if (exitCode !== EXIT.deployed) return [];
  const problems = observation.rows
    .filter((row) => row.result !== 'this run')
    .map(
      (row) =>
        `${row.server} (${row.instanceId}) runs release ${row.release}, not this run's ${row.runRelease ?? '(none uploaded)'}`,
    );
  if (observation.throughProxy === undefined)
    problems.push('the proxy did not answer https://blog.<domain>/ with a page');
  else if (observation.throughProxy !== observation.blogPage)
    problems.push("the proxy's page for the blog's host name is not the blog host's page");
  return problems;
}

/**
 * The servers' part of a phase's verdict: each server's release read from its host, the table
 * printed, and a deploy whose servers do not serve the run's releases turned into a failure.
 */
export async function concludeServers(
  record: Pick<RunRecord, 'options' | 'servers' | 'workflow'>,
  reported: ActLog,
  conclusion: Conclusion,
): Promise<{ conclusion: Conclusion; observation?: ServersObservation }> {
  const { servers, options } = record;
  if (!servers.rehearsed) {
    options.log(serversSummary(servers, undefined));
    return { conclusion };
  }
  const runSha256 = {
    ...Object.fromEntries(
      ['proxy', 'blog'].map((service) => [
        service,
        jobOutput(reported.outputs, record.workflow.sources, 'upload', `${service}-sha256`),
      ]),
    ),
    ...imageDigests(
      jobOutput(reported.outputs, record.workflow.sources, 'release-candidate', 'images'),
    ),
  };
  let observation: ServersObservation;
  try {
    observation = await observeServers(
      await servers.booted,
      servers.environment,
      servers.domain,
      runSha256,
    );
  } catch (error) {
    options.log(`✗ Could not start the servers' test hosts: ${String(error)}`);
    return { conclusion: { ...conclusion, exitCode: EXIT.failed } };
  }
  options.log(serversSummary(servers, observation));
  const problems = serverProblems(conclusion.exitCode, observation);
  for (const problem of problems) options.log(`✗ ${problem}`);
  return {
    conclusion: problems.length > 0 ? { ...conclusion, exitCode: EXIT.failed } : conclusion,
    observation,
  };
}
