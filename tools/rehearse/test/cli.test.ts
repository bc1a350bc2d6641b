/**
 * The CLI as a user runs it (bin/rehearse.js, Node 24): a bad command line, and Ctrl-C in the
 * middle of a rehearsal of the fixture pipeline, after which nothing it started is left.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { toolPath } from '@pipelines/testkit';
import { miniRepo } from './fixtureRepo';

jest.setTimeout(120_000);
const bin = path.resolve(__dirname, '..', 'bin', 'rehearse.js');

function start(args: string[]) {
  const child = spawn(toolPath('node24'), [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  return { child, exited, output: () => out };
}

describe('rehearse CLI', () => {
  it('refuses a short ref with exit 2, naming the flag and the fix, before starting anything', async () => {
    const run = start(['--ref', 'master']);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(
      /::error::--ref "master" is not a full branch or tag ref.*refs\/heads\/<branch>/,
    );
  });

  it('on Ctrl-C stops act, moto and the registry, removes its files (but the local GitHub’s records) and exits 130', async () => {
    const repo = miniRepo();
    try {
      const run = start(['--repo', repo.dir]);
      while (!/… \S+\s+running/.test(run.output())) {
        if (run.child.exitCode !== null) throw new Error(run.output());
        await new Promise((r) => setTimeout(r, 100));
      }
      const [, moto, registry] = /Local AWS at (\S+) \(registry (\S+)\)/.exec(run.output()) ?? [];
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      await expect(fetch(`${moto}/moto-api/data.json`)).rejects.toThrow();
      await expect(fetch(`http://${registry}/v2/`)).rejects.toThrow();
      const base = path.join(repo.dir, '.rehearsal');
      // Only what outlives a rehearsal on purpose: act's cache server folder (what makes the
      // next run warm) and the GitHub stand-in's kept records.
      expect(
        (existsSync(base) ? readdirSync(base) : []).filter((name) => name !== 'act-cache'),
      ).toEqual(['state']);
      expect(readdirSync(path.join(base, 'state'))).toEqual(['github-deployments.json']);
    } finally {
      repo.remove();
    }
  });
});
