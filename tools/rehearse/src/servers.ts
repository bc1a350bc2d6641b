/**
 * The servers phase: when the routed environment owns its tier's servers (environments.yml
 * `tiers.<tier>.servers`), the rollout is rehearsed on Debian 12 test hosts (testkit testHost.ts)
 * booted here, one per server the run rolls out to (proxy and blog; fulcrum and rocketchat when
 * environments.yml lists their image repositories: the run's images are their releases), tagged
 * as the infra tags the EC2 instances and installed by the same user data commands
 * (serviceUserData). The SSM Run Command stand-in
 * holds the deploy document (services/lib/deploy-document.json, under resolve's deploy-document
 * name) and runs it, as the agent would, on the hosts whose tags match a SendCommand's Targets;
 * the strict twin routes SSM there and authorizes SendCommand on those instances.
 *
 * The hosts boot while act runs (the rollout comes last in the run): an instance's commands wait
 * for its host. Test hosts need root; without it, or with --no-servers, the rollout step is not
 * rehearsed (prepare.ts leaves it out) and the summary says so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { imagesOf, type EnvironmentsConfig, type Resolution } from '@pipelines/environments';
import { parse } from 'yaml';
import {
  installDockerStandIn,
  repoRoot,
  startRelay,
  startSsmRunCommand,
  startTestHost,
  testHostInstance,
  type Relay,
  type SsmRunCommand,
  type TestHost,
} from '@pipelines/testkit';
import { SERVER_BASE_PACKAGES, serviceUserData } from '../../../infra/lib/constructs/user-data';
import { APP_SERVICES, SERVER_TAGS } from '../../../infra/lib/stacks/network-stack';
import type { LocalServices, RunStart } from './record';
import { reachRegistryOnLoopback } from './registryRoute';
import type { ServerSlot } from './serverSlots';
import { acquireServersLock } from './serversLock';
import type { Started } from './teardown';

/**
 * The servers a rehearsed rollout can reach: the release lines the workflow sends (proxy, blog),
 * and the servers that run an image (fulcrum, rocketchat), rolled out when the run built it.
 */
export const REHEARSED_SERVERS = ['proxy', 'blog', 'fulcrum', 'rocketchat'] as const;
export type RehearsedServer = (typeof REHEARSED_SERVERS)[number];
/** The servers whose release is the run's image of their service (server-rollout's images). */
export const IMAGE_SERVERS: ReadonlySet<RehearsedServer> = new Set(['fulcrum', 'rocketchat']);

/**
 * The servers a run rolls out to: proxy and blog always, fulcrum and rocketchat when
 * environments.yml lists an image repository of that service (the rollout deploys the run's
 * image to them; without one nothing would reach them). Pure.
 */
export function rehearsedServers(model: Pick<EnvironmentsConfig, 'names'>): RehearsedServer[] {
  const built = new Set(imagesOf(model).map((image) => image.service));
  return REHEARSED_SERVERS.filter((service) => !IMAGE_SERVERS.has(service) || built.has(service));
}

/** Each server's /30 in its slot: 10.254.<slot's third octet + offset>.0/30. */
const SERVER_OFFSET: Readonly<Record<RehearsedServer, number>> = {
  proxy: 0,
  blog: 1,
  fulcrum: 2,
  rocketchat: 3,
};

export interface ServerHost {
  readonly service: RehearsedServer;
  readonly instanceId: string;
  /** The host's name and address (10.254.x.2). */
  readonly name: string;
  readonly address: string;
}

export type ServersDecision =
  { readonly rehearsed: true } | { readonly rehearsed: false; readonly reason: string };

/** The action a workflow rolls the servers out with. */
const ROLLOUT_ACTION = './actions/server-rollout';

/** Whether a workflow has a step that rolls releases out to the servers. Pure. */
export function workflowRollsOut(workflowText: string): boolean {
  const workflow = parse(workflowText) as {
    jobs?: Record<string, { steps?: { uses?: unknown }[] } | null>;
  } | null;
  return Object.values(workflow?.jobs ?? {}).some((job) =>
    (job?.steps ?? []).some((step) => step.uses === ROLLOUT_ACTION),
  );
}

/** Whether this run rehearses the rollout, and if not, why (printed in the summary). Pure. */
export function serversDecision(
  resolution: Pick<Resolution, 'servers' | 'environment' | 'tier'>,
  options: { readonly noServers: boolean; readonly root: boolean; readonly rollsOut: boolean },
): ServersDecision {
  if (!resolution.servers || !resolution.environment)
    return {
      rehearsed: false,
      reason: `${resolution.environment ?? 'this ref'} does not own the ${resolution.tier} tier's servers: no rollout`,
    };
  // A workflow without the rollout step (a fork's own, the tests' small fixture) changes no server.
  if (!options.rollsOut)
    return {
      rehearsed: false,
      reason: `the workflow has no ${ROLLOUT_ACTION} step: no rollout to ${resolution.environment}'s servers`,
    };
  if (options.noServers)
    return {
      rehearsed: false,
      reason: `the server rollout was NOT rehearsed (--no-servers): ${resolution.environment}'s servers were not checked`,
    };
  if (!options.root)
    return {
      rehearsed: false,
      reason: `the server rollout was NOT rehearsed: its test hosts need root (run the rehearsal as root, e.g. sudo); ${resolution.environment}'s servers were not checked`,
    };
  return { rehearsed: true };
}

/** The hosts of the servers in a slot: names, addresses and EC2-like instance ids. Pure. */
export function serverHosts(
  slot: ServerSlot,
  servers: readonly RehearsedServer[] = ['proxy', 'blog'],
): ServerHost[] {
  return servers.map((service) => {
    const third = thirdOctet(slot, service);
    return {
      service,
      // Unique per slot (its third octets are), so two rehearsals' SSM stand-ins never share one.
      instanceId: `i-0000000000000${(0xa00 + third).toString(16).padStart(4, '0')}`,
      name: `${slot.prefix}${service}`.slice(0, 10),
      address: `10.254.${third}.2`,
    };
  });
}

/** The third octet of a server's /30 in a slot. Pure. */
const thirdOctet = (slot: ServerSlot, service: RehearsedServer) =>
  slot.third + SERVER_OFFSET[service];

/** The address a server's upstream has in a slot (where the proxy sends its host name). Pure. */
export function upstreamAddress(slot: ServerSlot, service: RehearsedServer): string {
  return `10.254.${thirdOctet(slot, service)}.2:3000`;
}

/** Each server's settings, as the infra's user data writes them. Pure. */
export function serverSettings(
  service: RehearsedServer,
  slot: ServerSlot,
  domain: string,
): Record<string, string> {
  if (service === 'proxy')
    return {
      DOMAIN: domain,
      BLOG_UPSTREAM: upstreamAddress(slot, 'blog'),
      // Nothing answers there unless those servers are booted: nginx needs only the address.
      PM_UPSTREAM: upstreamAddress(slot, 'fulcrum'),
      CHAT_UPSTREAM: upstreamAddress(slot, 'rocketchat'),
    };
  return { PORT: '3000', DOMAIN: domain };
}

/** A booted, installed server: its host and the relay through which it reaches moto's S3. */
export interface BootedServer extends ServerHost {
  readonly host: TestHost;
  readonly s3: Relay;
}

/** Where a booted server finds moto and the registry on this machine (their loopback ports). */
interface LocalPorts {
  readonly moto: number;
  readonly registry: number;
}

export type ServersSetup =
  | { readonly rehearsed: false; readonly reason: string }
  | {
      readonly rehearsed: true;
      readonly environment: string;
      readonly domain: string;
      readonly ssm: SsmRunCommand;
      readonly hosts: readonly ServerHost[];
      /** The servers, once booted and installed (they boot while act runs). */
      readonly booted: Promise<BootedServer[]>;
    };

export async function startServers(
  start: Pick<RunStart, 'options' | 'model' | 'resolution' | 'directory'>,
  services: Pick<LocalServices, 'moto' | 'registry'>,
  started: Started,
): Promise<ServersSetup> {
  const { options, model, resolution } = start;
  const decision = serversDecision(resolution, {
    noServers: options.servers === false,
    root: process.getuid?.() === 0,
    rollsOut: workflowRollsOut(readFileSync(path.join(start.directory, options.workflow), 'utf8')),
  });
  // Not rehearsed: the summary says why (serverReleases.ts).
  if (!decision.rehearsed) return decision;
  // The hosts' names and addresses are a slot's: its tier's own, else a spare one another
  // rehearsal running on this machine does not hold; released by the teardown.
  const lock = await acquireServersLock(resolution.tier, options.log);
  started.serversLock = lock;
  const environment = resolution.environment ?? '';
  const document = readFileSync(deployDocumentPath(start.directory), 'utf8');
  const ssm = await startSsmRunCommand({ documents: { [resolution.deployDocument]: document } });
  started.ssm = ssm;
  const hosts = serverHosts(lock.slot, rehearsedServers(model));
  const domain = model.project.domain;
  const ports = { moto: services.moto.port, registry: services.registry.port };
  const boots = hosts.map((server) =>
    bootServer(server, lock.slot, domain, start.directory, ports, started),
  );
  // The teardown waits for these; a boot that fails is reported by the commands that wait for
  // it, and by the servers' verdict.
  started.booting = boots.map((boot) => boot.catch(() => undefined));
  hosts.forEach((server, index) => {
    const boot = boots[index]!;
    ssm.addInstance({
      instanceId: server.instanceId,
      tags: { [SERVER_TAGS.environment]: environment, [SERVER_TAGS.service]: server.service },
      // The agent of a host still booting picks the command up once it is online.
      run: async (script) => agentOf(await boot, model.project.region).run(script),
    });
  });
  options.log(
    `Servers: booting ${hosts.map((h) => `${h.name} (${h.address})`).join(', ')} for ${environment}, tagged ${SERVER_TAGS.environment}=${environment}; SSM Run Command stand-in at ${ssm.endpoint} with ${resolution.deployDocument}`,
  );
  return {
    rehearsed: true,
    environment,
    domain,
    ssm,
    hosts,
    booted: Promise.all(boots),
  };
}

/** The deploy document the infra creates: the checkout's, else this repository's. */
function deployDocumentPath(directory: string): string {
  const own = path.join(directory, 'services', 'lib', 'deploy-document.json');
  return existsSync(own) ? own : path.join(repoRoot, 'services', 'lib', 'deploy-document.json');
}

/**
 * What the SSM agent gives a command on the instance: the instance role's credentials and the
 * region (here moto's operator key, and S3 through the relay on the host's link), and shorter
 * health checks than on EC2 so a broken release is rolled back in seconds.
 */
function agentOf(server: BootedServer, region: string) {
  return testHostInstance(
    server.host,
    server.instanceId,
    {},
    {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SSM_REGION_NAME: region,
      AWS_ENDPOINT_URL_S3: server.s3.endpoint,
      PIPELINES_HEALTH_ATTEMPTS: '10',
      PIPELINES_HEALTH_INTERVAL: '1',
    },
  );
}

/** Boots a server's host and installs its service with the infra's user data commands. */
async function bootServer(
  server: ServerHost,
  slot: ServerSlot,
  domain: string,
  directory: string,
  ports: LocalPorts,
  started: Started,
): Promise<BootedServer> {
  const host = await startTestHost({
    name: server.name,
    address: server.address,
    packages: [...SERVER_BASE_PACKAGES, 'nginx'],
  });
  (started.hosts ??= []).push(host);
  const s3 = await startRelay(host.machineAddress, ports.moto);
  started.hosts.push(s3);
  if (IMAGE_SERVERS.has(server.service)) {
    // Docker and the registry as the image's deploy needs them (fidelity gaps: docs/fidelity.md).
    await installDockerStandIn(host);
    started.hosts.push(await reachRegistryOnLoopback(host, ports.registry));
  }
  const own = path.join(directory, 'services', server.service);
  const folder = existsSync(own) ? own : path.join(repoRoot, 'services', server.service);
  execFileSync(
    'zip',
    ['-qr', path.join(host.root, 'root', 'bundle.zip'), '.', '-x', 'node_modules/*', 'test/*'],
    { cwd: folder },
  );
  const install = serviceUserData({
    service: server.service,
    role: 'app',
    bundlePath: '/root/bundle.zip',
    packages: APP_SERVICES.find((app) => app.service === server.service)?.packages ?? ['nginx'],
    environment: serverSettings(server.service, slot, domain),
  });
  writeFileSync(path.join(host.root, 'root', 'install.sh'), install.join('\n'), { mode: 0o700 });
  // A failed install shows its log's end and the host's last journal lines (a unit that failed).
  await host.run(
    '/root/install.sh > /var/log/install.log 2>&1 || { tail -30 /var/log/install.log; journalctl --no-pager -n 30; exit 1; }',
  );
  return { ...server, host, s3 };
}
