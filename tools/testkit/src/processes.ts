/**
 * Background servers for tests: started in their own process group on a free loopback port,
 * waited for until they answer, and stopped by pid (the whole group), also when the test process
 * exits early.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export interface Server {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: (port: number) => string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves true when the server answers. */
  ready: (endpoint: string) => Promise<boolean>;
  timeoutMs?: number;
}

/** Starts a server on a free port and waits until it answers; retries on a lost port race. */
export async function startServer(options: StartOptions): Promise<Server> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(options: StartOptions, port: number): Promise<Server> {
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(options.command, options.args(port), {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));

  const stop = async () => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited before answering on ${endpoint}:\n${output}`);
    }
    if (await options.ready(endpoint).catch(() => false)) {
      return { name: options.name, pid: child.pid ?? -1, port, endpoint, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(
    `${options.name} did not answer on ${endpoint} within ${options.timeoutMs ?? 30_000} ms:\n${output}`,
  );
}

/** True when a GET of the URL answers with one of the statuses. */
export async function answers(url: string, statuses: number[] = [200]): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return statuses.includes(response.status);
}
