/**
 * The package the pipeline uploads: `run build` then `run package`, exactly as the workflow
 * calls them, twice from a clean state with different time zones, umasks and source mtimes;
 * both zips must have the same sha256, and the bundle inside must answer as the Lambda would.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, toolPath } from '@pipelines/testkit';

const pkg = path.resolve(__dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'katana-pkg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pnpmRun(script: string, env: NodeJS.ProcessEnv): string {
  return execFileSync(
    toolPath('pnpm'),
    ['--silent', '--filter', '@pipelines/katana-lambda', 'run', script],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  );
}

function buildAndPackage(env: NodeJS.ProcessEnv, copyTo: string): string {
  rmSync(path.join(pkg, 'build'), { recursive: true, force: true });
  rmSync(path.join(pkg, 'dist'), { recursive: true, force: true });
  pnpmRun('build', env);
  const printed = pnpmRun('package', env);
  copyFileSync(printed.trim(), copyTo);
  return printed;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let printed: string;
const first = path.join(tmp, 'first.zip');
const second = path.join(tmp, 'second.zip');

beforeAll(() => {
  printed = buildAndPackage({ TZ: 'UTC' }, first);
  // Change what a careless packer would pick up: file times, time zone.
  const later = new Date('2031-05-05T05:05:05Z');
  utimesSync(path.join(pkg, 'src', 'handler.ts'), later, later);
  buildAndPackage({ TZ: 'Asia/Kolkata' }, second);
}, 240_000);

test('package prints only the zip path', () => {
  expect(printed).toBe(`${path.join(pkg, 'dist', 'katana-lambda.zip')}\n`);
});

test('two builds give the same sha256', () => {
  expect(sha256(second)).toBe(sha256(first));
});

test('the zip holds exactly index.js, which answers like the deployed function', async () => {
  const names = execFileSync('unzip', ['-Z1', first], { encoding: 'utf8' }).trim().split('\n');
  expect(names).toEqual(['index.js']);
  const bundle = path.join(tmp, 'index.js');
  writeFileSync(bundle, execFileSync('unzip', ['-p', first, 'index.js']));
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
    cwd: repoRoot,
    encoding: 'utf8',
  }).trim();
  const script = `require(${JSON.stringify(bundle)}).handler({ rawPath: '/', requestContext: { http: { method: 'GET' } } })
    .then((r) => process.stdout.write(JSON.stringify(r)));`;
  const response = JSON.parse(
    execFileSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, AWS_LAMBDA_FUNCTION_NAME: 'mint-KatanaLambda' },
      encoding: 'utf8',
    }),
  );
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(response.body)).toMatchObject({
    environment: 'mint',
    version: JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')).version,
    commit: process.env.GITHUB_SHA ?? commit,
  });
});
