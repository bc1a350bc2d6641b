/**
 * What a rehearsal started, and the teardown that stops all of it: act and every step it started,
 * the strict local AWS, the token service, the SSM stand-in, the servers' test hosts, moto, the
 * registry and the GitHub stand-in (whose deployment records are saved first), and the run's
 * folder. Phases note here what they start,
 * so that a failure in any later phase, or Ctrl-C (cli.ts), still stops everything.
 */
import type { ChildProcess } from 'node:child_process';
import { saveGitHubState, type KeptGitHub } from './githubState';

interface Stoppable {
  stop(): Promise<void>;
}

export interface Started {
  folder?: { remove(): void };
  moto?: Stoppable;
  registry?: Stoppable;
  /** The GitHub stand-in, whose deployment records (and the runs they name) are saved first. */
  github?: Stoppable & { state: Partial<KeptGitHub> };
  /** Where the stand-in's deployment records are kept between rehearsals. */
  githubStateDir?: string;
  strictAws?: Stoppable;
  tokens?: Stoppable;
  act?: ChildProcess;
  /** The SSM Run Command stand-in (servers.ts). */
  ssm?: Stoppable;
  /** The servers' test hosts and their relays (servers.ts), stopped together. */
  hosts?: Stoppable[];
  /** Servers still booting: waited for, so that each one is stopped too. */
  booting?: Promise<unknown>[];
  /** The hold on the slot of test host names (serversLock.ts), released once they are stopped. */
  serversLock?: { release(): void };
}

/** Teardowns of rehearsals in progress, for the CLI's signal handler. */
export const activeTeardowns = new Set<() => Promise<void>>();

/** Stops everything in `started` (as it is when called); idempotent: later calls wait for the first. */
export function teardownOf(started: Started): () => Promise<void> {
  let tornDown: Promise<void> | undefined;
  return () => (tornDown ??= stopAll(started));
}

async function stopAll(started: Started): Promise<void> {
  if (started.act?.pid && started.act.exitCode === null && started.act.signalCode === null) {
    const act = started.act;
    const gone = new Promise((r) => act.once('exit', r));
    killGroup(act, 'SIGTERM');
    const timer = setTimeout(() => killGroup(act, 'SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
  await Promise.all([started.strictAws?.stop(), started.tokens?.stop(), started.ssm?.stop()]);
  await Promise.allSettled(started.booting ?? []);
  await Promise.all((started.hosts ?? []).map((host) => host.stop()));
  started.serversLock?.release();
  if (started.github && started.githubStateDir)
    saveGitHubState(started.githubStateDir, {
      deployments: started.github.state.deployments ?? [],
      workflowRuns: started.github.state.workflowRuns ?? {},
    });
  await Promise.all([started.moto?.stop(), started.registry?.stop(), started.github?.stop()]);
  started.folder?.remove();
}

/** act runs in its own process group: signalling the group stops every step it started. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
