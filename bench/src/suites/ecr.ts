/**
 * Image push: ecr-push's bundle vs `skopeo copy oci:<layout> docker://…`, into one local registry
 * (moto answers ECR's API: the token and the repository), both through one recording proxy that
 * counts blob uploads. Each measured push goes to a fresh repository (and skopeo gets a fresh HOME,
 * so its blob-info cache cannot turn uploads into mounts): the counts prove both really uploaded.
 * The unchanged re-push is measured on the repository ours last pushed.
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

/** Blob uploads a client made: completed upload sessions (the PUT that ends each one). */
function blobUploads(requests: readonly Recorded[]): number {
  return requests.filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/')).length;
}

export interface EcrOptions {
  layerSizes: number[];
  runs: number;
}

export async function ecrSuite({ layerSizes, runs }: EcrOptions): Promise<Section> {
  const [moto, registry] = await Promise.all([startMoto(), startRegistry()]);
  const recorder = await startRecorder(registry.endpoint);
  const host = new URL(recorder.endpoint).host;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ecr-'));
  const rows: Row[] = [];
  const limits: string[] = [];
  try {
    const layout = writeImageLayout(dir, layerSizes);
    const blobs = layerSizes.length + 1;
    const total = layerSizes.reduce((a, b) => a + b, 0);
    const env = moto.awsEnv();
    const ours = (repository: string) =>
      timeAction('ecr-push', {
        action: 'actions/ecr-push',
        inputs: {
          image: layout,
          repository,
          tags: 'v1',
          registry: host,
          'create-repository': 'true',
        },
        env,
        cwd: dir,
      });
    const skopeo = async (repository: string) => {
      const home = mkdtempSync(path.join(dir, 'skopeo-home-'));
      try {
        return mustSucceed(
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
            { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
          ),
        );
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    };

    const oursMs: number[] = [];
    const peerMs: number[] = [];
    const oursUploads: number[] = [];
    const peerUploads: number[] = [];
    let lastRepository = '';
    for (let i = 0; i < runs; i++) {
      lastRepository = `bench/ours-${i}`;
      recorder.reset();
      oursMs.push((await ours(lastRepository)).ms);
      oursUploads.push(blobUploads(recorder.requests));
      recorder.reset();
      peerMs.push(await skopeo(`bench/peer-${i}`));
      peerUploads.push(blobUploads(recorder.requests));
    }
    if ([...oursUploads, ...peerUploads].some((n) => n !== blobs))
      throw new Error(
        `expected ${blobs} blob uploads per first push; ours made ${oursUploads.join(',')}, skopeo ${peerUploads.join(',')}`,
      );

    // Re-push of the unchanged image into the repository ours just filled.
    const rerunMs: number[] = [];
    const rerunUploads: number[] = [];
    const rerunRequests: number[] = [];
    const peerRerunMs: number[] = [];
    const peerRerunUploads: number[] = [];
    for (let i = 0; i < runs; i++) {
      recorder.reset();
      rerunMs.push((await ours(lastRepository)).ms);
      rerunUploads.push(blobUploads(recorder.requests));
      rerunRequests.push(recorder.requests.length);
      recorder.reset();
      peerRerunMs.push(await skopeo(`bench/peer-${runs - 1}`));
      peerRerunUploads.push(blobUploads(recorder.requests));
    }

    const startMs = await timeStartup('ecr-push', 3);
    const o = median(oursMs);
    const p = median(peerMs);
    const r = ratio(o, p);
    limits.push(
      `Of ours' re-push (${formatMs(median(rerunMs))}), ${formatMs(startMs)} is Node start-up and loading the bundle (the same bundle failing on its inputs); the rest is ${median(rerunRequests)} registry requests plus the ECR token and repository checks on moto.`,
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
    await Promise.all([recorder.stop(), moto.stop(), registry.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Image push: ecr-push vs skopeo copy',
    ours: 'ecr-push (dist bundle)',
    peer: 'skopeo copy oci: → docker://',
    rows,
    notes: [
      `Median of ${runs} run(s), alternating; each first push into a fresh repository of one local registry (docker-registry), both through the same recording proxy, which counted the blob uploads shown.`,
      'Ours also asks moto (ECR API) for a token and creates the repository; skopeo talks to the registry only. Re-push times are whole process runs (Node start included).',
      ...limits,
    ],
  };
}
