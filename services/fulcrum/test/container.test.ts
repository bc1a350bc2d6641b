/**
 * The container definition, read as text (no Docker engine here, so it is not built): pinned
 * upstream revision and base image, the entrypoint's refusal to start half-configured (run for
 * real with sh), and an env example that names every variable the entrypoint requires.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.join(__dirname, '..');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));

test('the base image is pinned by digest', () => {
  expect(instructions.filter((line) => line.startsWith('FROM '))).toEqual([
    expect.stringMatching(/^FROM \S+@sha256:[0-9a-f]{64}$/),
  ]);
});

test('upstream Fulcrum is fetched at a full commit and checked after checkout', () => {
  expect(dockerfile).toMatch(/^ARG FULCRUM_REVISION=[0-9a-f]{40}$/m);
  expect(dockerfile).toContain('test "$(git -C /app rev-parse HEAD)" = "$FULCRUM_REVISION"');
});

test('it serves on 3000 as a non-root user, with a health check', () => {
  expect(instructions).toEqual(
    expect.arrayContaining([
      'EXPOSE 3000',
      'USER fulcrum',
      expect.stringMatching(/^HEALTHCHECK .*127\.0\.0\.1:3000/),
    ]),
  );
});

test('the entrypoint refuses to start without its configuration, naming the variable', async () => {
  const entrypoint = path.join(root, 'docker-entrypoint.sh');
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: 'postgresql://x@y/z',
    SECRET_TOKEN: 'a',
    SECRET_KEY_BASE: 'b',
  };
  await expect(run('sh', [entrypoint], { env })).rejects.toMatchObject({
    code: 64,
    stderr: expect.stringContaining('APP_HOST is not set'),
  });
});

test('the env example names every variable the entrypoint requires', () => {
  const example = readFileSync(path.join(root, 'fulcrum.env.example'), 'utf8');
  const required = /for name in ([A-Z_ ]+); do/.exec(
    readFileSync(path.join(root, 'docker-entrypoint.sh'), 'utf8'),
  );
  const names = required?.[1]?.trim().split(/\s+/) ?? [];
  expect(names).toEqual(['DATABASE_URL', 'SECRET_TOKEN', 'SECRET_KEY_BASE', 'APP_HOST']);
  for (const name of names) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
});
