/**
 * scripts/build-image.sh, the one build path (umoci, no Docker daemon) on GitHub and here. The OCI layout it
 * writes must hold the built site with its title, name port 3000, and be readable by skopeo (as
 * the ecr-push action reads it); the same site must give the same digest, and the site itself
 * must not depend on where the checkout is.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { systemTool, toolPath } from '@pipelines/testkit';

const run = promisify(execFile);
const blog = path.resolve(__dirname, '..');
const script = path.join(blog, 'scripts', 'build-image.sh');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'blog-image-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  execFileSync('bash', [path.join(blog, 'scripts', 'ensure-built.sh')], {
    env: { ...process.env, PATH: `${path.dirname(toolPath('pnpm'))}:${process.env.PATH}` },
    stdio: 'pipe',
  });
}, 300_000);

const buildImage = (out: string) => run('bash', [script, out]);

test('the image layout holds the built site and names port 3000', async () => {
  const out = path.join(tmp, 'image');
  await buildImage(out);
  const { stdout } = await run(systemTool('/usr/bin/skopeo'), [
    'inspect',
    '--config',
    `oci:${out}:latest`,
  ]);
  const config = JSON.parse(stdout);
  expect(config.config.ExposedPorts).toEqual({ '3000/tcp': {} });
  expect(config.config.Labels['org.opencontainers.image.title']).toBe('pipelines-blog');

  const index = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8'));
  const manifestDigest: string = index.manifests[0].digest;
  const blob = (digest: string) => path.join(out, 'blobs', 'sha256', digest.replace('sha256:', ''));
  const manifest = JSON.parse(readFileSync(blob(manifestDigest), 'utf8'));
  expect(manifest.layers).toHaveLength(1);
  const layer = blob(manifest.layers[0].digest);
  const page = execFileSync('tar', ['-xzOf', layer, 'usr/share/nginx/html/index.html'], {
    encoding: 'utf8',
  });
  expect(page).toContain('>Pipelines blog</title>');
}, 60_000);

test('is reproducible: two builds of the same site give the same image digest (the reuse by content hash relies on it)', async () => {
  const digestOf = async (out: string) => {
    await buildImage(out);
    return JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')).manifests[0].digest;
  };
  const first = await digestOf(path.join(tmp, 'first'));
  // A second apart, and the site's files touched: a build that wrote the time into the config or
  // history, or the files' own times into the layer, would differ.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const now = new Date();
  utimesSync(path.join(blog, 'public', 'index.html'), now, now);
  const second = await digestOf(path.join(tmp, 'second'));
  expect(second).toBe(first);
  const { stdout } = await run(systemTool('/usr/bin/skopeo'), [
    'inspect',
    '--config',
    `oci:${path.join(tmp, 'first')}:latest`,
  ]);
  const config = JSON.parse(stdout);
  expect(config.created).toBe('1970-01-01T00:00:00Z');
  expect(config.config.Labels['org.opencontainers.image.revision']).toBeUndefined();
}, 60_000);

test('the built site names no Gatsby node id (derived from the absolute path of the checkout, one would make the digest depend on where the site was built)', () => {
  const pageData = path.join(blog, 'public', 'page-data');
  const files = readdirSync(pageData, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.json'),
  );
  expect(files.length).toBeGreaterThan(0);
  const ids: string[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(collect);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'id' && typeof inner === 'string') ids.push(inner);
      else collect(inner);
    }
  };
  for (const file of files) {
    const { result } = JSON.parse(readFileSync(path.join(pageData, file), 'utf8')) as {
      result?: unknown;
    };
    collect(result);
  }
  expect(ids).toEqual([]);
});

test('has one build path: umoci, never a Docker engine (the same on GitHub and here)', () => {
  const commands = readFileSync(script, 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'));
  expect(commands.filter((line) => /\bdocker\b/.test(line))).toEqual([]);
  expect(commands.some((line) => /^umoci init /.test(line))).toBe(true);
});

test('refuses a non-empty output directory and changes nothing in it', async () => {
  const out = path.join(tmp, 'busy');
  mkdirSync(out);
  writeFileSync(path.join(out, 'keep.txt'), 'mine');
  await expect(buildImage(out)).rejects.toMatchObject({
    stderr: expect.stringContaining('is not empty'),
  });
  expect(readFileSync(path.join(out, 'keep.txt'), 'utf8')).toBe('mine');
});

test('refuses to run without OUT_DIR', async () => {
  await expect(run('bash', [script])).rejects.toMatchObject({ code: 2 });
});
