import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEPLOYMENTS_FILE } from './githubState';
import { teardownOf, type Started } from './teardown';

// The services are stand-ins that record their stop (starting moto and the registry shows nothing
// more about the order of the teardown); act is a real process group.
function services(order: string[]) {
  const stoppable = (name: string) => ({
    stop: () => {
      order.push(name);
      return Promise.resolve();
    },
  });
  return {
    moto: stoppable('moto'),
    registry: stoppable('registry'),
    strictAws: stoppable('strictAws'),
    tokens: stoppable('tokens'),
    folder: { remove: () => void order.push('folder') },
  };
}

let stateDir: string;
beforeEach(() => (stateDir = mkdtempSync(path.join(os.tmpdir(), 'teardown-'))));
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

describe('teardownOf', () => {
  it("stops act's process group, then the local AWS, saving the GitHub stand-in's records before it stops", async () => {
    const order: string[] = [];
    const act = spawn('sh', ['-c', 'sleep 60 & wait'], { detached: true, stdio: 'ignore' });
    const actExit = new Promise<NodeJS.Signals | null>((r) => act.once('exit', (_, s) => r(s)));
    const started: Started = {
      ...services(order),
      act,
      githubStateDir: stateDir,
      github: {
        state: {
          deployments: [],
          workflowRuns: { 7: { path: 'p.yml', headBranch: 'x', event: 'push' } },
        },
        stop: () => {
          order.push(
            `github (records saved: ${existsSync(path.join(stateDir, DEPLOYMENTS_FILE))})`,
          );
          return Promise.resolve();
        },
      },
    };
    await teardownOf(started)();
    expect(await actExit).toBe('SIGTERM');
    expect(order.slice(0, 2).sort()).toEqual(['strictAws', 'tokens']);
    expect(order.slice(2, 5).sort()).toEqual(['github (records saved: true)', 'moto', 'registry']);
    expect(order[5]).toBe('folder');
    const saved = JSON.parse(readFileSync(path.join(stateDir, DEPLOYMENTS_FILE), 'utf8'));
    expect(Object.keys(saved.workflowRuns)).toEqual(['7']);
  });

  it('stops everything once, however often it is called (the CLI and the caller may both call it)', async () => {
    const order: string[] = [];
    const teardown = teardownOf(services(order));
    await Promise.all([teardown(), teardown()]);
    await teardown();
    expect(order.sort()).toEqual(['folder', 'moto', 'registry', 'strictAws', 'tokens']);
  });

  it("waits for the servers still booting, then stops the SSM stand-in and every server's host, before moto", async () => {
    const order: string[] = [];
    const stoppable = (name: string) => ({
      stop: () => {
        order.push(name);
        return Promise.resolve();
      },
    });
    const hosts = [stoppable('proxy host')];
    const booting = new Promise<void>((resolve) =>
      setTimeout(() => {
        // A host that finished booting during the teardown is stopped too.
        hosts.push(stoppable('blog host'));
        order.push('blog booted');
        resolve();
      }, 50),
    );
    await teardownOf({ ...services(order), ssm: stoppable('ssm'), hosts, booting: [booting] })();
    expect(order.indexOf('ssm')).toBeLessThan(order.indexOf('blog booted'));
    expect(order.slice(order.indexOf('blog booted') + 1, order.indexOf('blog booted') + 3)).toEqual(
      ['proxy host', 'blog host'],
    );
    expect(order.indexOf('blog host')).toBeLessThan(order.indexOf('moto'));
  });

  it('stops only what was started when a phase failed early', async () => {
    const order: string[] = [];
    const { moto, folder } = services(order);
    await teardownOf({ moto, folder })();
    expect(order).toEqual(['moto', 'folder']);
  });
});
