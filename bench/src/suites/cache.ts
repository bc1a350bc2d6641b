/**
 * Dependency cache: cache-dependencies' S3 backend vs `tar --zstd` + `aws s3 cp`, saving and
 * restoring this workspace's pnpm store through one moto server. Ours is measured only once the
 * action is committed (its bundle is what a workflow runs); until then the row says so and only
 * the peer is measured, so the page shows what ours has to beat.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { repoRoot, startMoto } from '@pipelines/testkit';
import { mustSucceed, timeCommand } from '../measure';
import type { Section } from '../report';
import { formatBytes, formatMs } from '../stats';

const BUCKET = 'bench-cache';

/** True when the action's bundle is committed (what `uses: ./actions/cache-dependencies` runs). */
export function committed(file: string): boolean {
  return (
    spawnSync('git', ['ls-files', '--error-unmatch', file], { cwd: repoRoot, stdio: 'ignore' })
      .status === 0
  );
}

function duBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

export async function cacheSuite({ quick }: { quick: boolean }): Promise<Section> {
  // --quick caches a small folder (this package's sources); the full run the real pnpm store.
  const store = quick
    ? path.join(repoRoot, 'bench', 'src')
    : execFileSync(path.join(repoRoot, '.tools', 'bin', 'pnpm'), ['store', 'path'], {
        cwd: repoRoot,
        encoding: 'utf8',
      }).trim();
  const moto = await startMoto();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cache-'));
  const env = moto.awsEnv();
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const archive = path.join(dir, 'store.tar.zst');
    const shell = (script: string) =>
      timeCommand('bash', ['-c', script], { PATH: process.env.PATH ?? '', HOME: dir, ...env });
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const save = mustSucceed(
      'tar --zstd + aws s3 cp (save)',
      await shell(
        `tar --zstd -cf ${q(archive)} -C ${q(store)} . && aws s3 cp --only-show-errors ${q(archive)} s3://${BUCKET}/pnpm-store.tar.zst`,
      ),
    );
    const archiveBytes = statSync(archive).size;
    rmSync(archive);
    const target = path.join(dir, 'restored');
    mkdirSync(target);
    const restore = mustSucceed(
      'aws s3 cp + tar --zstd (restore)',
      await shell(
        `aws s3 cp --only-show-errors s3://${BUCKET}/pnpm-store.tar.zst ${q(archive)} && tar --zstd -xf ${q(archive)} -C ${q(target)}`,
      ),
    );
    const storeBytes = duBytes(store);
    const ours = committed('actions/cache-dependencies/dist/index.js')
      ? 'not measured: the suite for the committed action is not written yet'
      : 'not measured: actions/cache-dependencies is not committed yet';
    return {
      title: 'Dependency cache: cache-dependencies (S3) vs tar --zstd + aws s3 cp',
      ours: 'cache-dependencies, S3 backend',
      peer: 'tar --zstd + aws s3 cp',
      rows: [
        {
          case: `save ${formatBytes(storeBytes)} store`,
          ours,
          peer: formatMs(save),
          ratio: '-',
          target: '(not measured)',
        },
        {
          case: `restore (${formatBytes(archiveBytes)} archive)`,
          ours,
          peer: formatMs(restore),
          ratio: '-',
          target: '(not measured)',
        },
      ],
      notes: [
        `Store: ${quick ? 'bench/src (--quick)' : "this workspace's pnpm store"}; one run each, against one moto server.`,
      ],
    };
  } finally {
    s3.destroy();
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
