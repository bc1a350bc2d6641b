/**
 * Issue "environments.yml edits change the pipeline's behaviour with no workflow edit", for a
 * second image: a clone of this repository whose environments.yml lists a second image
 * repository, pipelines/hello, built by the clone's own build script for it
 * (services/<service>/scripts/build-image.sh: a one-file umoci image, the convention
 * docs/environments.md describes). The committed pipeline,
 * rehearsed for one push to integration (mint: no hold), builds and pushes both images to the
 * local registry by digest, and the deploy that follows has both: the verdict asks the registry
 * for each digest the run listed. One rehearsal (beforeAll); each test reads what it left.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addImageRepository } from '@pipelines/testkit';
import { EXIT, type Rehearsal } from '../src/rehearse';
import { cloneOfThisRepository, rehearseClone } from './fixtureRepo';

jest.setTimeout(15 * 60_000);

const HELLO_BUILD = `#!/usr/bin/env bash
# The hello service's image: one file, built as every image is (umoci, no Docker daemon), with
# fixed times so that the same file gives the same digest.
set -euo pipefail
OUT="$1"
site="$(mktemp -d)"; layer="$(mktemp)"; trap 'rm -rf "$site" "$layer"' EXIT
echo hello > "$site/hello.txt"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$site" -cf "$layer" .
umoci init --layout "$OUT"
umoci new --image "$OUT:latest"
umoci raw add-layer --image "$OUT:latest" --history.created 1970-01-01T00:00:00Z "$layer"
umoci config --no-history --image "$OUT:latest" --created 1970-01-01T00:00:00Z \\
  --os linux --architecture amd64
umoci gc --layout "$OUT"
`;

interface ImageResult {
  repository: string;
  service: string;
  digest: string;
  'image-uri': string;
  size: number;
}

const git = (repo: string, ...args: string[]) =>
  execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Pipelines test',
      GIT_AUTHOR_EMAIL: 'test@example.org',
      GIT_COMMITTER_NAME: 'Pipelines test',
      GIT_COMMITTER_EMAIL: 'test@example.org',
    },
  }).trim();

describe('rehearsal of a push to integration with a second image repository in environments.yml', () => {
  let clone = '';
  let r: Rehearsal | undefined;
  const seen: {
    output?: string;
    commit?: string;
    images?: ImageResult[];
    /** The digest each repository's `mint-<commit>` tag names in the local registry. */
    tagged?: Record<string, string | null>;
  } = {};

  beforeAll(async () => {
    clone = cloneOfThisRepository('images');
    addImageRepository(path.join(clone, 'environments.yml'), 'pipelines/hello');
    const script = path.join(clone, 'services', 'hello', 'scripts', 'build-image.sh');
    mkdirSync(path.dirname(script), { recursive: true });
    writeFileSync(script, HELLO_BUILD);
    chmodSync(script, 0o755);
    git(clone, 'add', '-A');
    git(clone, 'commit', '-q', '-m', 'A second image: pipelines/hello');
    seen.commit = git(clone, 'rev-parse', 'HEAD');

    // The images are what this test is about: the server rollout is rehearsed in servers.test.ts.
    const rehearsal = await rehearseClone(clone, 'refs/heads/integration', { servers: false });
    r = rehearsal.r;
    seen.output = rehearsal.lines.join('\n');
    if (r.exitCode !== EXIT.deployed) console.log(seen.output);
    const listed = r.actLog.outputs.get('release-candidate')?.get('images')?.images;
    seen.images = listed ? (JSON.parse(listed) as ImageResult[]) : [];
    seen.tagged = {};
    for (const repository of ['pipelines/blog', 'pipelines/hello']) {
      const response = await fetch(
        `${r.registry.endpoint}/v2/${repository}/manifests/mint-${seen.commit}`,
        { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } },
      ).catch(() => undefined);
      seen.tagged[repository] = response?.ok ? response.headers.get('docker-content-digest') : null;
    }
  });
  afterAll(async () => {
    await r?.teardown();
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('deploys to mint, the verdict having found every image of the run in the registry by digest', () => {
    expect(r?.exitCode).toBe(EXIT.deployed);
    expect(r?.actLog.jobs.get('deploy')?.state).toBe('success');
    const [blog, hello] = seen.images ?? [];
    expect(seen.output).toContain(
      `the registry serves pipelines/blog@${blog?.digest} and pipelines/hello@${hello?.digest}.`,
    );
  });

  it('built and pushed both images, each to its own repository, tagged mint-<commit> at the digest the run reported', () => {
    expect(seen.images?.map((i) => [i.repository, i.service])).toEqual([
      ['pipelines/blog', 'blog'],
      ['pipelines/hello', 'hello'],
    ]);
    for (const image of seen.images ?? []) {
      expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(image['image-uri']).toBe(`${r?.registry.host}/${image.repository}@${image.digest}`);
      expect(image.size).toBeGreaterThan(0);
      expect(seen.tagged?.[image.repository]).toBe(image.digest);
    }
  });

  it("the deploy's record names the first image, the one release-candidate gave it", () => {
    const mint = (r?.github.state.deployments ?? []).filter((d) => d.environment === 'mint').pop();
    const payload = mint?.payload as { image?: { digest?: string } } | undefined;
    expect(payload?.image?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(payload?.image?.digest).toBe(seen.images?.[0]?.digest);
  });
});
