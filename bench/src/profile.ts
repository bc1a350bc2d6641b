/**
 * Where a process's start-up goes, from V8's CPU profile of one run (`node --cpu-prof`): time
 * compiling the action's bundle files, loading Node's built-in modules, running the bundle's own
 * code, and the rest (Node's own start, the garbage collector, idle time).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The parts of a .cpuprofile file this reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  /** Microseconds since the previous sample, one per sample. */
  timeDeltas: number[];
}

export interface StartupBreakdown {
  /** Compiling the bundle's files (V8 parses each file whole when Node loads it). */
  compileMs: number;
  /** Loading Node's built-in modules the bundle requires (crypto, child_process, http, ...). */
  builtinsMs: number;
  /** Running the bundle's code: its modules' top level, then the action until it fails. */
  bundleMs: number;
  /** Everything else: Node's own start, the garbage collector, waiting. */
  otherMs: number;
}

/**
 * Self time by kind. A function is the bundle's when its script lies in `bundleDir`; compiling
 * is Node's CommonJS wrapper compiling a file (wrapSafe), which only bundle files reach here.
 */
export function startupBreakdown(profile: CpuProfile, bundleDir: string): StartupBreakdown {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const result: StartupBreakdown = { compileMs: 0, builtinsMs: 0, bundleMs: 0, otherMs: 0 };
  const dir = path.resolve(bundleDir) + path.sep;
  for (const node of profile.nodes) {
    const ms = (selfUs.get(node.id) ?? 0) / 1000;
    const { functionName, url } = node.callFrame;
    const file = url.startsWith('file://') ? new URL(url).pathname : url;
    if (functionName === 'wrapSafe') result.compileMs += ms;
    else if (functionName === 'compileForInternalLoader') result.builtinsMs += ms;
    else if (file.startsWith(dir)) result.bundleMs += ms;
    else result.otherMs += ms;
  }
  return result;
}

/** Runs `node entry` once under --cpu-prof and breaks its time down (see startupBreakdown). */
export async function profileStartup(
  node: string,
  entry: string,
  env: NodeJS.ProcessEnv,
): Promise<StartupBreakdown> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cpu-prof-'));
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(node, ['--cpu-prof', `--cpu-prof-dir=${dir}`, entry], {
        env,
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('close', () => resolve());
    });
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`node --cpu-prof wrote no profile for ${entry}`);
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    return startupBreakdown(profile, path.dirname(entry));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
