/**
 * Dependency cache: cache-dependencies' S3 backend vs `tar --zstd` + `aws s3 cp`, saving and
 * restoring this workspace's pnpm store through one moto server. Ours is measured only once the
 * action is committed (its bundle is what a workflow runs); until then the row says so and only
 * the peer is measured, so the page shows what ours has to beat.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { repoRoot, startMoto, type Moto } from '@pipelines/testkit';
import { timeAction } from '../local';
import { mustSucceed, timeCommand } from '../measure';
import type { Section } from '../report';
import { formatBytes, formatMs, ratio } from '../stats';

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

/**
 * Ours, as a job runs it: main (a miss) then post (the save) in a checkout holding this
 * workspace's lockfile; then main in a fresh job restoring into an empty folder.
 */
async function measureOurs(
  moto: Moto,
  store: string,
  dir: string,
): Promise<{ save: number; restore: number }> {
  const checkout = path.join(dir, 'checkout');
  mkdirSync(checkout);
  writeFileSync(
    path.join(checkout, 'pnpm-lock.yaml'),
    execFileSync('cat', [path.join(repoRoot, 'pnpm-lock.yaml')]),
  );
  const job = (target: string) => ({
    action: 'actions/cache-dependencies',
    cwd: checkout,
    inputs: { backend: 's3', 's3-bucket': BUCKET, path: target, 'default-branch': 'integration' },
    env: {
      ...moto.awsEnv(),
      PATH: `${path.join(repoRoot, '.tools', 'bin')}:${process.env.PATH ?? ''}`,
      GITHUB_REF: 'refs/heads/integration',
    },
  });
  const miss = await timeAction('cache-dependencies (main, miss)', {
    ...job(store),
    phase: 'main',
  });
  if (miss.run.outputs['cache-hit'] !== 'false')
    throw new Error(`expected a miss on an empty bucket: ${miss.run.stdout}`);
  const save = await timeAction('cache-dependencies (post, save)', {
    ...job(store),
    phase: 'post',
    state: miss.run.state,
  });
  const target = path.join(dir, 'ours-restored');
  mkdirSync(target);
  const restore = await timeAction('cache-dependencies (main, restore)', {
    ...job(target),
    phase: 'main',
  });
  if (restore.run.outputs['cache-hit'] !== 'true')
    throw new Error(`expected a hit after the save: ${restore.run.stdout}`);
  return { save: save.ms, restore: restore.ms };
}

export async function cacheSuite({
  quick,
  force = false,
}: {
  quick: boolean;
  /** Measure ours even when its bundle is not committed (for trying the suite locally). */
  force?: boolean;
}): Promise<Section> {
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
    const measured =
      force || committed('actions/cache-dependencies/dist/index.js')
        ? await measureOurs(moto, store, dir)
        : undefined;
    const ours = (ms: number | undefined) =>
      ms === undefined
        ? 'not measured: actions/cache-dependencies/dist is not committed yet'
        : formatMs(ms);
    const ratioOf = (ms: number | undefined, peer: number) =>
      ms === undefined ? '-' : `${ratio(ms, peer)}`;
    return {
      title: 'Dependency cache: cache-dependencies (S3) vs tar --zstd + aws s3 cp',
      ours: 'cache-dependencies, S3 backend',
      peer: 'tar --zstd + aws s3 cp',
      rows: [
        {
          case: `save ${formatBytes(storeBytes)} store`,
          ours: ours(measured?.save),
          peer: formatMs(save),
          ratio: ratioOf(measured?.save, save),
          target: '(informational)',
        },
        {
          case: `restore (peer's archive ${formatBytes(archiveBytes)})`,
          ours: ours(measured?.restore),
          peer: formatMs(restore),
          ratio: ratioOf(measured?.restore, restore),
          target: '(informational)',
        },
      ],
      notes: [
        `Store: ${quick ? 'bench/src (--quick)' : "this workspace's pnpm store"}; one run each, against one moto server. Ours: the post step's save after a miss, and the main step's restore into an empty folder, each a whole step run.`,
      ],
    };
  } finally {
    s3.destroy();
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
