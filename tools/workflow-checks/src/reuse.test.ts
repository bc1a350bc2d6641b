/**
 * .github/scripts/reuse.sh, run for real (bash, find, sha256sum) on small repository trees made
 * here: which files are the inputs of each build output, that one changed input gives a new key
 * (so the job builds) while a file the build does not read keeps it, and that a restored output is
 * used only when every byte verifies.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './paths';

// Fixture trees below name files of these packages (made here, not the repository's own).
const BLOG = 'services/blog';
const LAMBDA = 'services/katana-lambda';
const PROXY = 'services/proxy';
// A second image's service (a fork's, not this repository's).
const HELLO = 'services/hello';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'reuse-'));
  dirs.push(dir);
  return dir;
}

function write(root: string, file: string, text: string) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

/** The files the rules name, in a tree of their own, with the real scripts copied in. */
function repository(): string {
  const root = tempDir();
  for (const script of [
    '.github/scripts/reuse.sh',
    `${BLOG}/scripts/build-image.sh`,
    'services/lib/pack-release.sh',
  ]) {
    mkdirSync(path.dirname(path.join(root, script)), { recursive: true });
    copyFileSync(path.join(repoRoot, script), path.join(root, script));
  }
  const files: Record<string, string> = {
    'package.json': '{"packageManager":"pnpm@10.34.8"}',
    'pnpm-lock.yaml': 'lockfileVersion: 9.0\n',
    'pnpm-workspace.yaml': 'packages: [services/*]\n',
    'patches/x.patch': 'patch\n',
    'tsconfig.base.json': '{}',
    '.github/actions/setup/action.yml': 'name: setup\n',
    'README.md': 'not an input\n',
    [`${BLOG}/package.json`]: '{"name":"@pipelines/blog"}',
    [`${BLOG}/gatsby-config.js`]: 'module.exports = {};\n',
    [`${BLOG}/src/pages/index.tsx`]: 'export default () => null;\n',
    [`${BLOG}/content/posts/first.md`]: '# first\n',
    [`${BLOG}/Dockerfile`]: 'FROM nginx@sha256:00\n',
    [`${BLOG}/nginx/default.conf`]: 'server {}\n',
    [`${BLOG}/README.md`]: 'docs\n',
    [`${BLOG}/jest.config.js`]: 'module.exports = {};\n',
    [`${BLOG}/test/image.test.ts`]: 'test\n',
    [`${BLOG}/public/index.html`]: 'built\n',
    [`${BLOG}/.cache/state`]: 'gatsby cache\n',
    [`${BLOG}/node_modules/gatsby/index.js`]: 'dependency\n',
    [`${PROXY}/render.sh`]: '#!/usr/bin/env bash\n',
    [`${PROXY}/nginx/site.conf.template`]: 'server {}\n',
    [`${PROXY}/deploy.sh`]: 'not packed\n',
    [`${PROXY}/test/proxy.test.ts`]: 'test\n',
    [`${LAMBDA}/package.json`]: '{"name":"@pipelines/katana-lambda"}',
    [`${LAMBDA}/tsconfig.json`]: '{}',
    [`${LAMBDA}/webpack.config.js`]: 'module.exports = {};\n',
    [`${LAMBDA}/src/index.ts`]: 'export {};\n',
    [`${LAMBDA}/src/pack/zip.ts`]: 'export {};\n',
    [`${LAMBDA}/test/handler.test.ts`]: 'test\n',
    [`${LAMBDA}/README.md`]: 'docs\n',
  };
  for (const [file, text] of Object.entries(files)) write(root, file, text);
  return root;
}

/**
 * `node` and `pnpm` that only say their version: the key must name the versions that build, and
 * a test has to choose them to show that another version gives another key.
 */
function toolVersions(node: string): string {
  const bin = tempDir();
  for (const [tool, version] of [
    ['node', node],
    ['pnpm', '10.34.8'],
  ]) {
    writeFileSync(path.join(bin, tool!), `#!/bin/sh\necho ${version}\n`);
    chmodSync(path.join(bin, tool!), 0o755);
  }
  return bin;
}

interface Run {
  status: number | null;
  log: string;
  outputs: Record<string, string>;
}

function reuse(root: string, args: string[], env: Record<string, string> = {}): Run {
  const output = path.join(tempDir(), 'output');
  writeFileSync(output, '');
  const result = spawnSync('bash', ['.github/scripts/reuse.sh', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      PATH: `${toolVersions(env.NODE_VERSION ?? 'v24.21.0')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      GITHUB_OUTPUT: output,
      GITHUB_SHA: 'a'.repeat(40),
      ...env,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: result.status, log: result.stdout + result.stderr, outputs };
}

const keyOf = (root: string, name: string, env: Record<string, string> = {}) => {
  const run = reuse(root, ['key', name], env);
  expect(run.status).toBe(0);
  return run.outputs.key;
};

/** The files a key covers, from the list reuse.sh writes next to it. */
const inputFiles = (root: string, name: string) =>
  readFileSync(path.join(root, '.reuse', `${name}.inputs`), 'utf8')
    .split('\n')
    .filter((line) => /^[0-9a-f]{64} {2}/.test(line))
    .map((line) => line.slice(66));

const COMMON = [
  '.github/actions/setup/action.yml',
  '.github/scripts/reuse.sh',
  'package.json',
  'patches/x.patch',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'tsconfig.base.json',
];

/** The blog's files in the fixture tree without its tests, docs, build folders and dependencies. */
const BLOG_SOURCES = [
  `${BLOG}/Dockerfile`,
  `${BLOG}/content/posts/first.md`,
  `${BLOG}/gatsby-config.js`,
  `${BLOG}/nginx/default.conf`,
  `${BLOG}/package.json`,
  `${BLOG}/scripts/build-image.sh`,
  `${BLOG}/src/pages/index.tsx`,
];

describe('the inputs of each build output', () => {
  test('the blog image: the blog package without its tests, docs and build folders, and what the install reads', () => {
    const root = repository();
    keyOf(root, 'blog-image');
    expect(inputFiles(root, 'blog-image')).toEqual([...COMMON, ...BLOG_SOURCES].sort());
    const list = readFileSync(path.join(root, '.reuse', 'blog-image.inputs'), 'utf8');
    expect(list).toContain('tool node v24.21.0\n');
    expect(list).toMatch(/^tool image-builder umoci /m);
  });

  test("another service's image (a second entry of names.image-repositories): its own folder", () => {
    const root = repository();
    write(root, `${HELLO}/scripts/build-image.sh`, '#!/usr/bin/env bash\n');
    write(root, `${HELLO}/site/index.html`, '<p>hello</p>\n');
    write(root, `${HELLO}/test/hello.test.ts`, 'not an input\n');
    keyOf(root, 'hello-image');
    expect(inputFiles(root, 'hello-image')).toEqual(
      [...COMMON, `${HELLO}/scripts/build-image.sh`, `${HELLO}/site/index.html`].sort(),
    );
    const before = keyOf(root, 'hello-image');
    write(root, `${BLOG}/content/posts/first.md`, 'the blog changed\n');
    expect(keyOf(root, 'hello-image')).toBe(before);
    write(root, `${HELLO}/site/index.html`, '<p>hello again</p>\n');
    expect(keyOf(root, 'hello-image')).not.toBe(before);
  });

  test('the Lambda build: its package without tests and docs, and the commit the bundle names', () => {
    const root = repository();
    keyOf(root, 'lambda-build');
    expect(inputFiles(root, 'lambda-build')).toEqual(
      [
        ...COMMON,
        `${LAMBDA}/package.json`,
        `${LAMBDA}/src/index.ts`,
        `${LAMBDA}/src/pack/zip.ts`,
        `${LAMBDA}/tsconfig.json`,
        `${LAMBDA}/webpack.config.js`,
      ].sort(),
    );
    expect(readFileSync(path.join(root, '.reuse', 'lambda-build.inputs'), 'utf8')).toContain(
      `tool commit ${'a'.repeat(40)}\n`,
    );
  });

  test("the servers' releases: the blog's sources, the proxy's packed files and the packer", () => {
    const root = repository();
    keyOf(root, 'server-releases');
    expect(inputFiles(root, 'server-releases')).toEqual(
      [
        ...COMMON,
        ...BLOG_SOURCES,
        `${PROXY}/nginx/site.conf.template`,
        `${PROXY}/render.sh`,
        'services/lib/pack-release.sh',
      ].sort(),
    );
    expect(readFileSync(path.join(root, '.reuse', 'server-releases.inputs'), 'utf8')).toMatch(
      /^tool packer tar \(GNU tar\) .*, gzip /m,
    );
  });

  test('the Lambda package: the build it zips and the code that zips it', () => {
    const root = repository();
    write(root, `${LAMBDA}/build/index.js`, 'bundle\n');
    keyOf(root, 'lambda-package');
    expect(inputFiles(root, 'lambda-package')).toEqual(
      [
        ...COMMON,
        `${LAMBDA}/build/index.js`,
        `${LAMBDA}/package.json`,
        `${LAMBDA}/src/pack/zip.ts`,
        `${LAMBDA}/tsconfig.json`,
      ].sort(),
    );
  });

  test('an unknown output is refused', () => {
    const run = reuse(repository(), ['key', 'blog']);
    expect(run.status).toBe(2);
    expect(run.log).toContain("unknown output 'blog'");
  });
});

describe('a changed input gives a new key, so the job builds', () => {
  const changes: [string, string, (root: string) => void][] = [
    ['blog-image', 'a post edited', (r) => write(r, `${BLOG}/content/posts/first.md`, '#\n')],
    ['blog-image', 'a post added', (r) => write(r, `${BLOG}/content/posts/new.md`, '# n\n')],
    ['blog-image', 'a post removed', (r) => rmSync(path.join(r, `${BLOG}/content/posts/first.md`))],
    ['blog-image', 'the lockfile', (r) => write(r, 'pnpm-lock.yaml', 'lockfileVersion: 9.1\n')],
    [
      'blog-image',
      'the Dockerfile (base digest)',
      (r) => write(r, `${BLOG}/Dockerfile`, 'FROM nginx@sha256:01\n'),
    ],
    [
      'blog-image',
      'the image build script',
      (r) => write(r, `${BLOG}/scripts/build-image.sh`, 'echo\n'),
    ],
    [
      'lambda-build',
      'a source file',
      (r) => write(r, `${LAMBDA}/src/index.ts`, 'export const a = 1;\n'),
    ],
    ['lambda-build', 'the webpack config', (r) => write(r, `${LAMBDA}/webpack.config.js`, '//\n')],
    [
      'lambda-build',
      'the TypeScript base config',
      (r) => write(r, 'tsconfig.base.json', '{"x":1}'),
    ],
    ['server-releases', 'a post edited', (r) => write(r, `${BLOG}/content/posts/first.md`, '#\n')],
    [
      'server-releases',
      "the proxy's nginx template",
      (r) => write(r, `${PROXY}/nginx/site.conf.template`, 'server { listen 80; }\n'),
    ],
    ['server-releases', "the proxy's render.sh", (r) => write(r, `${PROXY}/render.sh`, 'echo\n')],
    ['server-releases', 'the packer', (r) => write(r, 'services/lib/pack-release.sh', 'echo\n')],
    ['lambda-package', 'the build it zips', (r) => write(r, `${LAMBDA}/build/index.js`, 'other\n')],
    ['lambda-package', 'the zip code', (r) => write(r, `${LAMBDA}/src/pack/zip.ts`, '//\n')],
  ];
  test.each(changes)('%s: %s', (name, _change, change) => {
    const root = repository();
    write(root, `${LAMBDA}/build/index.js`, 'bundle\n');
    const before = keyOf(root, name);
    change(root);
    expect(keyOf(root, name)).not.toBe(before);
  });

  test.each(['blog-image', 'server-releases', 'lambda-build', 'lambda-package'])(
    '%s: another Node version gives a new key',
    (name) => {
      const root = repository();
      write(root, `${LAMBDA}/build/index.js`, 'bundle\n');
      expect(keyOf(root, name, { NODE_VERSION: 'v24.22.0' })).not.toBe(keyOf(root, name));
    },
  );

  test('lambda-build: another commit gives a new key (the bundle names its commit)', () => {
    const root = repository();
    expect(keyOf(root, 'lambda-build', { GITHUB_SHA: 'b'.repeat(40) })).not.toBe(
      keyOf(root, 'lambda-build'),
    );
  });

  const unchanged: [string, string, (root: string) => void][] = [
    ['blog-image', 'a blog test', (r) => write(r, `${BLOG}/test/image.test.ts`, 'x\n')],
    ['blog-image', 'the built site', (r) => write(r, `${BLOG}/public/index.html`, 'x\n')],
    [
      'blog-image',
      'an installed dependency',
      (r) => write(r, `${BLOG}/node_modules/gatsby/index.js`, 'x\n'),
    ],
    ['blog-image', 'the Lambda', (r) => write(r, `${LAMBDA}/src/index.ts`, 'x\n')],
    ['blog-image', 'the root README', (r) => write(r, 'README.md', 'x\n')],
    ['server-releases', 'a proxy test', (r) => write(r, `${PROXY}/test/proxy.test.ts`, 'x\n')],
    [
      'server-releases',
      "the proxy's deploy.sh (installed by the servers' install, not packed)",
      (r) => write(r, `${PROXY}/deploy.sh`, 'x\n'),
    ],
    ['server-releases', 'the built site', (r) => write(r, `${BLOG}/public/index.html`, 'x\n')],
    ['server-releases', 'the Lambda', (r) => write(r, `${LAMBDA}/src/index.ts`, 'x\n')],
    ['lambda-build', 'a Lambda test', (r) => write(r, `${LAMBDA}/test/handler.test.ts`, 'x\n')],
    ['lambda-build', 'the blog', (r) => write(r, `${BLOG}/content/posts/first.md`, 'x\n')],
    ['lambda-build', 'the blog Dockerfile', (r) => write(r, `${BLOG}/Dockerfile`, 'x\n')],
  ];
  test.each(unchanged)(
    '%s: the same key when %s changes (not read by the build)',
    (name, _c, change) => {
      const root = repository();
      const before = keyOf(root, name);
      change(root);
      expect(keyOf(root, name)).toBe(before);
    },
  );

  test('blog-image: the same key for another commit (the image does not name its commit)', () => {
    const root = repository();
    expect(keyOf(root, 'blog-image', { GITHUB_SHA: 'b'.repeat(40) })).toBe(
      keyOf(root, 'blog-image'),
    );
  });
});

describe('a restored output is used only when it verifies', () => {
  /** A folder as a build leaves it after `reuse.sh seal`: an OCI-like layout and SHA256SUMS. */
  function sealed(): { root: string; dir: string } {
    const root = repository();
    const dir = path.join(tempDir(), 'blog-image');
    const blob = 'layer bytes\n';
    const sha = spawnSync('sha256sum', { input: blob, encoding: 'utf8' }).stdout.split(' ')[0]!;
    write(dir, `output/blobs/sha256/${sha}`, blob);
    write(dir, 'output/index.json', '{"manifests":[]}');
    write(dir, 'output/oci-layout', '{"imageLayoutVersion":"1.0.0"}');
    expect(reuse(root, ['seal', dir]).status).toBe(0);
    return { root, dir };
  }

  test('an intact output is reused', () => {
    const { root, dir } = sealed();
    const run = reuse(root, ['verify', dir, 'true']);
    expect(run).toMatchObject({ status: 0, outputs: { reused: 'true' } });
  });

  const damage: [string, (dir: string) => void][] = [
    ['a changed byte', (d) => write(d, 'output/index.json', '{"manifests":[1]}')],
    ['an extra file', (d) => write(d, 'output/extra', 'x')],
    ['a missing file', (d) => rmSync(path.join(d, 'output/oci-layout'))],
    ['no SHA256SUMS', (d) => rmSync(path.join(d, 'SHA256SUMS'))],
    [
      'a blob not named by its sha256 (listed consistently in SHA256SUMS)',
      (d) => {
        write(d, `output/blobs/sha256/${'0'.repeat(64)}`, 'forged\n');
        spawnSync('bash', [
          '-c',
          'cd "$0" && find output -type f | sort | xargs sha256sum > SHA256SUMS',
          d,
        ]);
      },
    ],
  ];
  test.each(damage)(
    '%s: not reused, a warning, and the folder is emptied for the build',
    (_what, harm) => {
      const { root, dir } = sealed();
      harm(dir);
      const run = reuse(root, ['verify', dir, 'true']);
      expect(run).toMatchObject({ status: 0, outputs: { reused: 'false' } });
      expect(run.log).toContain('::warning::The restored output');
      expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout).toBe('');
    },
  );

  test('after a miss (no exact key restored) the folder is emptied without a warning', () => {
    const { root, dir } = sealed();
    const run = reuse(root, ['verify', dir, 'false']);
    expect(run).toMatchObject({ status: 0, outputs: { reused: 'false' } });
    expect(run.log).not.toContain('::warning::');
    expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout).toBe('');
  });

  test('seal copies a build folder into output/ first', () => {
    const root = repository();
    write(root, `${LAMBDA}/build/index.js`, 'bundle\n');
    const dir = path.join(tempDir(), 'lambda-build');
    expect(reuse(root, ['seal', dir, `${LAMBDA}/build`]).status).toBe(0);
    expect(readFileSync(path.join(dir, 'output', 'index.js'), 'utf8')).toBe('bundle\n');
    expect(reuse(root, ['verify', dir, 'true']).outputs.reused).toBe('true');
  });
});

describe('the pipeline builds whenever it does not reuse', () => {
  type Step = {
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, string>;
  };
  const pipeline = parse(
    readFileSync(path.join(repoRoot, '.github/workflows/pipeline.yml'), 'utf8'),
  ) as { jobs: Record<string, { steps: Step[] }> };
  const setup = parse(
    readFileSync(path.join(repoRoot, '.github/actions/setup/action.yml'), 'utf8'),
  ) as { runs: { steps: Step[] } };

  test.each([
    ['build-image', '${{ matrix.image.service }}-image'],
    ['build', 'lambda-build'],
    ['package', 'lambda-package'],
  ])('%s reuses %s, and every build step runs when it was not reused', (job, name) => {
    const steps = pipeline.jobs[job]!.steps;
    const at = steps.findIndex((s) => s.uses === './.github/actions/setup');
    expect(steps[at]).toMatchObject({
      id: 'setup',
      with: { reuse: name, 'reuse-path': `\${{ runner.temp }}/reuse/${name}` },
    });
    const builds = steps
      .slice(at + 1)
      .filter((s) => /pnpm|build-image\.sh|reuse\.sh seal/.test(s.run ?? ''));
    expect(builds.length).toBeGreaterThan(0);
    for (const step of builds) expect(step.if).toBe("steps.setup.outputs.reused != 'true'");
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.path).toMatch(
      new RegExp(`^\\$\\{\\{ runner\\.temp \\}\\}/reuse/${name.replace(/[$.{}]/g, '\\$&')}/output`),
    );
  });

  test('setup restores under the dependency cache scoping and installs only when not reused', () => {
    const steps = setup.runs.steps;
    const restore = steps.find((s) => s.id === 'reuse-cache');
    expect(restore?.uses).toBe('./actions/cache-dependencies');
    expect(restore?.with?.['key-prefix']).toMatch(/^\$\{\{ inputs\.cache-key-prefix \}\}-/);
    expect(restore?.with?.['protected-only']).toBe('${{ inputs.protected-only }}');
    const install = steps.find((s) => /pnpm install/.test(s.run ?? ''));
    expect(install?.if).toBe(
      "inputs.install != 'false' && steps.reuse-verify.outputs.reused != 'true'",
    );
    expect(steps.find((s) => s.id === 'reuse-verify')?.run).toBe(
      'bash .github/scripts/reuse.sh verify "$REUSE_PATH" "$CACHE_HIT"',
    );
  });
});
