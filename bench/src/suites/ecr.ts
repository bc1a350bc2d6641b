/**
 * Image push: ecr-push's bundle vs `skopeo copy oci:<layout> docker://…`, into one local registry
 * (moto answers ECR's API: the token and the repository), through a recording proxy that counts
 * blob uploads. Each first push goes to a fresh registry (so skopeo's blob-info cache cannot turn
 * uploads into mounts): the counts prove both really uploaded. The unchanged re-push is measured
 * on the registry each pushed to last.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMoto, startRegistry } from '@pipelines/testkit';
import {
  MiB,
  startRecorder,
  timeAction,
  timeStartup,
  writeRandomFile,
  type Recorded,
} from '../local';
import { mustSucceed, timeCommand } from '../measure';
import type { Row, Section } from '../report';
import { formatMs, median, ratio, verdict } from '../stats';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** Moves a file into the layout's blob store under its digest. */
function addBlob(layout: string, file: string, mediaType: string): Descriptor {
  const bytes = readFileSync(file);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  renameSync(file, path.join(layout, 'blobs', 'sha256', digest.slice(7)));
  return { mediaType, digest, size: bytes.length };
}

function addJson(layout: string, value: unknown, mediaType: string): Descriptor {
  const file = path.join(layout, 'tmp.json');
  writeFileSync(file, JSON.stringify(value));
  return addBlob(layout, file, mediaType);
}

/**
 * An OCI layout of one image whose layers are reproducible tars (fixed owner, mode, mtime) of one
 * pseudo-random file each: incompressible, like the binaries that make real layers big.
 */
export function writeImageLayout(dir: string, layerSizes: readonly number[]): string {
  const layout = path.join(dir, 'layout');
  mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  const layers = layerSizes.map((size, i) => {
    const work = mkdtempSync(path.join(dir, 'layer-'));
    writeRandomFile(path.join(work, `layer-${i}.bin`), size, `ecr-layer-${i}`);
    execFileSync(
      'tar',
      [
        '--create',
        '--file=layer.tar',
        '--format=ustar',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '--mtime=2024-01-01 00:00:00Z',
        '--mode=0644',
        `layer-${i}.bin`,
      ],
      { cwd: work },
    );
    const layer = addBlob(
      layout,
      path.join(work, 'layer.tar'),
      'application/vnd.oci.image.layer.v1.tar',
    );
    rmSync(work, { recursive: true, force: true });
    return layer;
  });
  const config = addJson(
    layout,
    {
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/true'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    },
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = addJson(
    layout,
    {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config,
      layers,
    },
    'application/vnd.oci.image.manifest.v1+json',
  );
  writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }],
    }),
  );
  return layout;
}

/** A re-push run cut at the first ECR API request, the first registry request and the last. */
export interface RepushPhases {
  beforeEcr: number;
  ecr: number;
  registry: number;
  after: number;
}

/**
 * Phases of one run from the recorders' clocks (reset at spawn): before the first ECR API
 * request, ECR API until the first registry request, registry until its last request, and the
 * rest until the process ended (`total`). The last registry request's own answer time falls in
 * the last phase.
 */
export function repushPhases(
  total: number,
  ecrApi: readonly Recorded[],
  registry: readonly Recorded[],
): RepushPhases {
  const firstEcr = ecrApi[0]?.at ?? 0;
  const firstRegistry = registry[0]?.at ?? firstEcr;
  const lastRegistry = registry[registry.length - 1]?.at ?? firstRegistry;
  return {
    beforeEcr: firstEcr,
    ecr: firstRegistry - firstEcr,
    registry: lastRegistry - firstRegistry,
    after: total - lastRegistry,
  };
}

/** Blob uploads a client made: completed upload sessions (the PUT that ends each one). */
function blobUploads(requests: readonly Recorded[]): number {
  return requests.filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/')).length;
}

export interface EcrOptions {
  layerSizes: number[];
  runs: number;
}

export async function ecrSuite({ layerSizes, runs }: EcrOptions): Promise<Section> {
  const moto = await startMoto();
  // Every push goes to a registry of its own: skopeo keeps a machine-wide blob-info cache (root's
  // is in /var/lib/containers) and would mount blobs it pushed before instead of uploading them.
  const started: Array<{ stop(): Promise<void> }> = [moto];
  const freshRegistry = async () => {
    // Mutable tags: each run pushes the same tag again (ECR's default for a new repository).
    const registry = await startRegistry({ ecr: { repositories: async () => 'MUTABLE' } });
    const recorder = await startRecorder(registry.endpoint);
    started.push(registry, recorder);
    return { recorder, host: new URL(recorder.endpoint).host };
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ecr-'));
  const rows: Row[] = [];
  const limits: string[] = [];
  try {
    const layout = writeImageLayout(dir, layerSizes);
    const blobs = layerSizes.length + 1;
    const total = layerSizes.reduce((a, b) => a + b, 0);
    const env = moto.awsEnv();
    const ours = (host: string, repository: string, awsEnv = env) =>
      timeAction('ecr-push', {
        action: 'actions/ecr-push',
        inputs: {
          image: layout,
          repository,
          tags: 'v1',
          registry: host,
          'create-repository': 'true',
        },
        env: awsEnv,
        cwd: dir,
      });
    const skopeo = async (host: string, repository: string) =>
      mustSucceed(
        'skopeo copy',
        await timeCommand(
          'skopeo',
          [
            '--insecure-policy',
            'copy',
            '--quiet',
            '--dest-tls-verify=false',
            `oci:${layout}:bench`,
            `docker://${host}/${repository}:v1`,
          ],
          { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? dir },
        ),
      );

    const oursMs: number[] = [];
    const peerMs: number[] = [];
    const oursUploads: number[] = [];
    const peerUploads: number[] = [];
    let oursTarget = await freshRegistry();
    let peerTarget = oursTarget;
    for (let i = 0; i < runs; i++) {
      oursTarget = await freshRegistry();
      oursMs.push((await ours(oursTarget.host, 'bench/app')).ms);
      oursUploads.push(blobUploads(oursTarget.recorder.requests));
      peerTarget = await freshRegistry();
      peerMs.push(await skopeo(peerTarget.host, 'bench/app'));
      peerUploads.push(blobUploads(peerTarget.recorder.requests));
    }
    if ([...oursUploads, ...peerUploads].some((n) => n !== blobs))
      throw new Error(
        `expected ${blobs} blob uploads per first push; ours made ${oursUploads.join(',')}, skopeo ${peerUploads.join(',')}`,
      );

    // Re-push of the unchanged image into the registry each pushed to last. The ECR API calls go
    // through a recorder too, so the run splits into phases by when each side was first asked.
    const motoRecorder = await startRecorder(moto.endpoint);
    started.push(motoRecorder);
    const rerunEnv = { ...env, AWS_ENDPOINT_URL: motoRecorder.endpoint };
    const rerunMs: number[] = [];
    const rerunUploads: number[] = [];
    const rerunRequests: number[] = [];
    const phases: RepushPhases[] = [];
    const peerRerunMs: number[] = [];
    const peerRerunUploads: number[] = [];
    for (let i = 0; i < runs; i++) {
      oursTarget.recorder.reset();
      motoRecorder.reset();
      const ms = (await ours(oursTarget.host, 'bench/app', rerunEnv)).ms;
      rerunMs.push(ms);
      rerunUploads.push(blobUploads(oursTarget.recorder.requests));
      rerunRequests.push(oursTarget.recorder.requests.length);
      phases.push(repushPhases(ms, motoRecorder.requests, oursTarget.recorder.requests));
      peerTarget.recorder.reset();
      peerRerunMs.push(await skopeo(peerTarget.host, 'bench/app'));
      peerRerunUploads.push(blobUploads(peerTarget.recorder.requests));
    }

    const startMs = await timeStartup('ecr-push', 3);
    const o = median(oursMs);
    const p = median(peerMs);
    const r = ratio(o, p);
    const phase = (pick: (p: RepushPhases) => number) => formatMs(median(phases.map(pick)));
    limits.push(
      `Where ours' re-push (${formatMs(median(rerunMs))}, medians of each phase) goes: ${phase((p) => p.beforeEcr)} until the first ECR API request (Node start-up and the entry bundle, ${formatMs(startMs)} alone as measured by the same bundle failing on its inputs; then loading the AWS SDK chunk and reading the image's manifests), ${phase((p) => p.ecr)} for the ECR token and repository reads on moto (sent together), ${phase((p) => p.registry)} for ${median(rerunRequests)} registry requests (the root manifest and the tag, sent together; no blob HEAD, no layer hashed), ${phase((p) => p.after)} from the last answer to exit (outputs, summary).`,
    );
    rows.push({
      case: `first push, ${layerSizes.length} layers, ${Math.round(total / MiB)} MiB`,
      ours: `${formatMs(o)} (${median(oursUploads)} blob uploads)`,
      peer: `${formatMs(p)} (${median(peerUploads)} blob uploads)`,
      ratio: `${r}`,
      target: verdict(r, 1.0),
    });
    const ro = median(rerunMs);
    const rp = median(peerRerunMs);
    const uploads = Math.max(...rerunUploads);
    rows.push({
      case: 're-push, unchanged image',
      ours: `${formatMs(ro)} (${uploads} blob uploads, ${median(rerunRequests)} registry requests)`,
      peer: `${formatMs(rp)} (${Math.max(...peerRerunUploads)} blob uploads)`,
      ratio: `${ratio(ro, rp)}`,
      target: `${ro < 300 ? 'met' : '**missed**'} (< 0.3 s); ${uploads === 0 ? 'met' : '**missed**'} (0 uploads)`,
    });
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Image push: ecr-push vs skopeo copy',
    ours: 'ecr-push (dist bundle)',
    peer: 'skopeo copy oci: → docker://',
    rows,
    notes: [
      `Median of ${runs} run(s), alternating; each first push into a fresh local registry (docker-registry, so nothing can be mounted), through a recording proxy that counted the blob uploads shown.`,
      'Ours also asks moto (ECR API) for a token and whether the repository exists (and creates it on the first push); skopeo talks to the registry only. Re-push times are whole process runs (Node start included); nothing is cached between runs.',
      ...limits,
    ],
  };
}
