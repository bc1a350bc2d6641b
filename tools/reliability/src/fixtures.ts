/**
 * What the suite deploys, written by the tests themselves: small real Lambda zips, OCI layouts
 * with a config and one layer, and the moto resources the actions expect (bucket, role, function).
 */
import { CreateAliasCommand, PublishVersionCommand } from '@aws-sdk/client-lambda';
import {
  createFunction as createFunctionFromZip,
  createLambdaRole as createRole,
  createVersionedBucket,
  destroyLocalAwsClients,
  lambdaRoleArn,
  localAwsClients,
  type BucketVersioning,
} from '@pipelines/testkit';
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalAwsClients } from './localState';

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Deterministic bytes for a seed (AES-CTR keystream): the same every run. */
export function pseudoRandom(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

export interface Zip {
  file: string;
  bytes: Buffer;
  sha256: string;
}

/** A real zip with a handler returning `label`, built with `zip -X` in `dir`. */
export function makeZip(dir: string, label: string): Zip {
  const work = path.join(dir, `zip-${label}`);
  mkdirSync(work, { recursive: true });
  writeFileSync(
    path.join(work, 'index.js'),
    `exports.handler = async () => ${JSON.stringify(label)};\n`,
  );
  const file = path.join(dir, `${label}.zip`);
  execFileSync('zip', ['-q', '-X', file, 'index.js'], { cwd: work });
  const bytes = readFileSync(file);
  return { file, bytes, sha256: sha256Hex(bytes) };
}

/** A package file of `size` pseudo-random bytes (large ones make s3-upload go multipart). */
export function makePackage(dir: string, label: string, size: number): Zip {
  const bytes = pseudoRandom(label, size);
  const file = path.join(dir, `${label}.bin`);
  writeFileSync(file, bytes);
  return { file, bytes, sha256: sha256Hex(bytes) };
}

export interface Layout {
  dir: string;
  /** sha256:<hex> of the manifest. */
  digest: string;
  /** Digests of the config and the layer. */
  blobs: string[];
}

/** An OCI layout directory holding one image: a config and one layer of `layerSize` bytes. */
export function makeLayout(dir: string, seed: string, layerSize = 64 * 1024): Layout {
  const root = path.join(dir, `layout-${seed}`);
  const blobsDir = path.join(root, 'blobs', 'sha256');
  mkdirSync(blobsDir, { recursive: true });
  const put = (bytes: Buffer) => {
    const hex = sha256Hex(bytes);
    writeFileSync(path.join(blobsDir, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const layer = put(pseudoRandom(seed, layerSize));
  const config = put(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['/bin/true'] },
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    }),
  );
  const manifest = put(manifestBytes);
  writeFileSync(path.join(root, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    path.join(root, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }],
    }),
  );
  return { dir: root, digest: manifest.digest, blobs: [config.digest, layer.digest] };
}

export const LAMBDA_ROLE = lambdaRoleArn('lambda');

/** The execution role moto checks for when a function is created. */
export async function createLambdaRole(endpoint: string): Promise<void> {
  const clients = localAwsClients(endpoint);
  try {
    await createRole(clients.iam, 'lambda');
  } finally {
    destroyLocalAwsClients(clients);
  }
}

export async function createBucket(
  clients: LocalAwsClients,
  name: string,
  versioning: BucketVersioning,
): Promise<void> {
  await createVersionedBucket(clients.s3, name, versioning);
}

/** A function running `initial`, with alias `live` on version 1. */
export async function createFunction(
  clients: LocalAwsClients,
  name: string,
  initial: Zip,
): Promise<void> {
  await createFunctionFromZip(clients.lambda, { name, zip: initial.bytes, role: LAMBDA_ROLE });
  const v1 = await clients.lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await clients.lambda.send(
    new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: v1.Version }),
  );
}
