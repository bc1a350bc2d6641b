/**
 * What the side-by-side suites share: the peer CLI run against the local servers, deterministic
 * test data, our actions run the way the runner runs them, and a recorder that counts the API
 * calls a client makes (the testkit's fault proxy with a plan that faults nothing and notes all).
 */
import { createCipheriv, createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import {
  repoRoot,
  runAction,
  toolPath,
  startFaultProxy,
  type ActionRun,
  type FaultProxy,
  type RunActionOptions,
} from '@pipelines/testkit';
import { mustSucceed, timeCommand, type Timed } from './measure';

export const MiB = 1024 * 1024;

/** A file of `size` deterministic pseudo-random bytes (AES-256-CTR keyed by the seed), written in chunks. */
export function writeRandomFile(file: string, size: number, seed: string): string {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < size;) {
      const n = Math.min(8 * MiB, size - written);
      writeSync(fd, cipher.update(Buffer.alloc(n)));
      written += n;
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Deterministic pseudo-random bytes in memory (small blobs only). */
export function randomBytesOf(size: number, seed: string): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

/** The AWS CLI (Debian's awscli) with only the variables it needs: the peer as a user runs it. */
export function awsCli(args: readonly string[], awsEnv: Record<string, string>): Promise<Timed> {
  return timeCommand('aws', args, {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...awsEnv,
  });
}

/** One of our actions' dist bundles, timed from spawn to exit; fails loudly when the action fails. */
export async function timeAction(
  label: string,
  options: RunActionOptions,
): Promise<{ ms: number; run: ActionRun }> {
  const start = process.hrtime.bigint();
  const run = await runAction({ timeoutMs: 600_000, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  mustSucceed(label, { ms, exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr });
  return { ms, run };
}

export interface Recorded {
  method: string;
  path: string;
  /** Milliseconds since the recorder was last reset. */
  at: number;
}

export interface Recorder {
  endpoint: string;
  /** Requests seen since the last reset, in order. */
  requests: Recorded[];
  reset(): void;
  stop(): Promise<void>;
}

/** A pass-through proxy in front of `target` that records every request and changes none. */
export async function startRecorder(target: string): Promise<Recorder> {
  const requests: Recorded[] = [];
  let since = process.hrtime.bigint();
  const proxy: FaultProxy = await startFaultProxy(target, (request) => {
    const at = Number(process.hrtime.bigint() - since) / 1e6;
    requests.push({ method: request.method, path: request.path, at });
    return undefined;
  });
  return {
    endpoint: proxy.endpoint,
    requests,
    reset: () => {
      requests.splice(0, requests.length);
      since = process.hrtime.bigint();
    },
    stop: () => proxy.stop(),
  };
}

/** Milliseconds to sha256 a file in this process, streamed as the actions do: the hashing share. */
export function timeSha256(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => {
        hash.digest();
        resolve(Number(process.hrtime.bigint() - start) / 1e6);
      });
  });
}

/** Median time of an action's bundle failing on its missing inputs: its start-up cost alone. */
export async function timeStartup(action: string, runs: number): Promise<number> {
  const entry = path.join(repoRoot, 'actions', action, 'dist', 'index.js');
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const times: number[] = [];
  for (let i = 0; i < runs; i++)
    times.push((await timeCommand(toolPath('node24'), [entry], env)).ms);
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}
