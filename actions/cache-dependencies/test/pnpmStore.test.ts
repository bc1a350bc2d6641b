// A real pnpm store through the s3 backend on moto: pnpm installs a tiny package set offline,
// the action saves the store pnpm reports, the store is deleted, the action restores it, and
// pnpm installs offline again from nothing but the restored store.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto, type Moto } from '@pipelines/testkit';
import { expectOk, mainThenPost, PATH, runMain } from './helpers';

jest.setTimeout(180_000);

/** Two tiny packages without dependencies, as this workspace's lockfile resolves them. */
const PACKAGES = {
  ms: { version: '2.1.3', integrity: lockfileIntegrity('ms@2.1.3') },
  'is-number': { version: '7.0.0', integrity: lockfileIntegrity('is-number@7.0.0') },
};

function lockfileIntegrity(id: string): string {
  const lock = readFileSync(path.join(__dirname, '..', '..', '..', 'pnpm-lock.yaml'), 'utf8');
  const match = new RegExp(
    `\\n  ${id.replace(/[.@]/g, '\\$&')}:\\n    resolution: \\{integrity: ([^}]+)\\}`,
  ).exec(lock);
  if (!match?.[1]) throw new Error(`${id} is not in the workspace lockfile`);
  return match[1];
}

const hex = (integrity: string) =>
  Buffer.from(integrity.replace(/^sha512-/, ''), 'base64').toString('hex');

/**
 * Seeds an empty store with these packages' entries from the workspace's own store (read only:
 * files are copied out of it), so pnpm can install offline without a registry.
 */
function seedStore(store: string): void {
  const source = execFileSync('pnpm', ['store', 'path'], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, PATH },
    encoding: 'utf8',
  }).trim();
  for (const [name, { version, integrity }] of Object.entries(PACKAGES)) {
    const h = hex(integrity);
    const index = path.join('index', h.slice(0, 2), `${h.slice(2, 64)}-${name}@${version}.json`);
    mkdirSync(path.dirname(path.join(store, index)), { recursive: true });
    copyFileSync(path.join(source, index), path.join(store, index));
    const { files } = JSON.parse(readFileSync(path.join(source, index), 'utf8')) as {
      files: Record<string, { integrity: string; mode: number }>;
    };
    for (const file of Object.values(files)) {
      const fh = hex(file.integrity);
      const name = path.join(
        'files',
        fh.slice(0, 2),
        `${fh.slice(2)}${file.mode & 0o111 ? '-exec' : ''}`,
      );
      mkdirSync(path.dirname(path.join(store, name)), { recursive: true });
      copyFileSync(path.join(source, name), path.join(store, name));
    }
  }
}

function project(dir: string, storeDir: string): void {
  mkdirSync(dir, { recursive: true });
  const deps = Object.fromEntries(Object.entries(PACKAGES).map(([n, p]) => [n, p.version]));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'tiny', private: true, dependencies: deps }),
  );
  writeFileSync(path.join(dir, '.npmrc'), `store-dir=${storeDir}\n`);
  const entries = Object.entries(PACKAGES);
  writeFileSync(
    path.join(dir, 'pnpm-lock.yaml'),
    [
      "lockfileVersion: '9.0'",
      '',
      'settings:',
      '  autoInstallPeers: true',
      '  excludeLinksFromLockfile: false',
      '',
      'importers:',
      '',
      '  .:',
      '    dependencies:',
      ...entries.flatMap(([n, p]) => [
        `      ${n}:`,
        `        specifier: ${p.version}`,
        `        version: ${p.version}`,
      ]),
      '',
      'packages:',
      '',
      ...entries.flatMap(([n, p]) => [
        `  ${n}@${p.version}:`,
        `    resolution: {integrity: ${p.integrity}}`,
        '',
      ]),
      'snapshots:',
      '',
      ...entries.flatMap(([n, p]) => [`  ${n}@${p.version}: {}`, '']),
    ].join('\n'),
  );
}

function pnpmInstallOffline(dir: string): void {
  execFileSync('pnpm', ['install', '--offline', '--frozen-lockfile', '--reporter', 'append-only'], {
    cwd: dir,
    env: { PATH, HOME: process.env.HOME ?? os.tmpdir(), CI: 'true' },
    stdio: 'pipe',
  });
}

let moto: Moto;
let root: string;
beforeAll(async () => {
  moto = await startMoto();
  root = mkdtempSync(path.join(os.tmpdir(), 'cache-deps-pnpm-'));
});
afterAll(async () => {
  await moto?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

it('restores a real pnpm store from which pnpm install --offline succeeds', async () => {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'pnpm-store-cache' }));
  s3.destroy();
  const storeDir = path.join(root, 'store');
  const seed = mkdtempSync(path.join(root, 'seed-'));
  seedStore(seed);
  mkdirSync(storeDir);
  execFileSync('cp', ['-a', seed, path.join(storeDir, 'v10')]);
  const dir = path.join(root, 'project');
  project(dir, storeDir);
  pnpmInstallOffline(dir);
  expect(existsSync(path.join(dir, 'node_modules', 'ms', 'index.js'))).toBe(true);

  // No path input: the action asks pnpm for the store, as on a runner.
  const job = {
    cwd: dir,
    inputs: { backend: 's3', 's3-bucket': 'pnpm-store-cache' },
    env: { ...moto.awsEnv(), PATH },
  };
  const saved = await mainThenPost(job);
  expectOk(saved.main);
  expectOk(saved.post);
  expect(saved.main.summary).toContain(path.join(storeDir, 'v10'));

  rmSync(storeDir, { recursive: true, force: true });
  rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  rmSync(seed, { recursive: true, force: true });
  expect(() => pnpmInstallOffline(dir)).toThrow();
  rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });

  const restored = await runMain(job);
  expectOk(restored);
  expect(restored.outputs['cache-hit']).toBe('true');
  pnpmInstallOffline(dir);
  expect(existsSync(path.join(dir, 'node_modules', 'ms', 'index.js'))).toBe(true);
  expect(existsSync(path.join(dir, 'node_modules', 'is-number', 'index.js'))).toBe(true);
});
