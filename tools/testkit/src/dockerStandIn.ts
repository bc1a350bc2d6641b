/**
 * Docker on a test host, stood in (no container engine runs on this machine, and the services'
 * images come from registries it cannot reach): see standins/docker for what the command does
 * for real (pull by digest over the registry API with every sha256 checked, run the image
 * config's command from its unpacked layers, Compose's pull/up/down) and what it does not.
 * `pushStandInImage` makes the small images it runs, in a local OCI registry.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestHost } from './testHost';

const SCRIPT = path.join(__dirname, 'standins', 'docker');

/**
 * Installs the stand-in: an empty `docker.io` package (so `apt-get install docker.io` finds it
 * installed and needs no network), a `docker.service` that does nothing, and the command.
 */
export async function installDockerStandIn(host: TestHost): Promise<void> {
  const write = (file: string, text: string, mode = 0o644) => {
    mkdirSync(path.dirname(path.join(host.root, file)), { recursive: true });
    writeFileSync(path.join(host.root, file), text, { mode });
  };
  write(
    'var/lib/test-docker/docker.io/DEBIAN/control',
    'Package: docker.io\nVersion: 0-standin\nArchitecture: all\nMaintainer: tests\nDescription: stand-in\n',
  );
  await host.run(
    'dpkg-deb --build /var/lib/test-docker/docker.io /var/lib/test-docker/docker.io.deb >/dev/null && dpkg -i /var/lib/test-docker/docker.io.deb >/dev/null',
  );
  write(
    'etc/systemd/system/docker.service',
    '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n',
  );
  write('usr/bin/docker', readFileSync(SCRIPT, 'utf8'), 0o755);
  await host.run('systemctl daemon-reload');
}

export interface StandInImage {
  /** Files of the image's one layer, by path (relative to /). */
  readonly files: Readonly<Record<string, string>>;
  /** The config's Cmd. */
  readonly cmd: readonly string[];
  readonly workingDir?: string;
  readonly env?: readonly string[];
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A tar of the files with sorted names, epoch times and root ownership (the same files, the same digest). */
function layerTar(files: Readonly<Record<string, string>>): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'standin-layer-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return execFileSync('tar', [
      '-C',
      dir,
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-cf',
      '-',
      '.',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pushBlob(endpoint: string, repository: string, blob: Buffer): Promise<string> {
  const digest = `sha256:${sha256(blob)}`;
  const started = await fetch(`${endpoint}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  const location = started.headers.get('location');
  if (started.status !== 202 || !location) {
    throw new Error(`Could not start a blob upload to ${repository}: HTTP ${started.status}.`);
  }
  const url = new URL(location, endpoint);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: blob,
  });
  if (put.status !== 201) throw new Error(`Could not upload ${digest}: HTTP ${put.status}.`);
  return digest;
}

/**
 * Pushes an OCI image of one uncompressed layer to a registry (its loopback endpoint) and
 * returns the manifest's digest (`sha256:<hex>`), by which deploys name it.
 */
export async function pushStandInImage(
  endpoint: string,
  repository: string,
  image: StandInImage,
): Promise<string> {
  const layer = layerTar(image.files);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: image.cmd, WorkingDir: image.workingDir ?? '/', Env: image.env ?? [] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(layer)}`] },
    }),
  );
  const descriptor = async (mediaType: string, blob: Buffer) => ({
    mediaType,
    digest: await pushBlob(endpoint, repository, blob),
    size: blob.length,
  });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: await descriptor('application/vnd.oci.image.config.v1+json', config),
      layers: [await descriptor('application/vnd.oci.image.layer.v1.tar', layer)],
    }),
  );
  const digest = `sha256:${sha256(manifest)}`;
  const put = await fetch(`${endpoint}/v2/${repository}/manifests/${digest}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  if (put.status !== 201) throw new Error(`Could not push the manifest: HTTP ${put.status}.`);
  return digest;
}

/**
 * A stand-in app of the services' shape: a web server on port 3000 (Debian's python3 on the
 * host, run from the image's config) serving the files given, by path under /srv.
 */
export function webServerImage(files: Readonly<Record<string, string>>): StandInImage {
  return {
    files: Object.fromEntries(Object.entries(files).map(([name, text]) => [`srv/${name}`, text])),
    cmd: ['python3', '-m', 'http.server', '--bind', '0.0.0.0', '3000'],
    workingDir: '/srv',
  };
}
