/**
 * Runs an action's committed bundle the way the GitHub runner does: `node24 dist/index.js` (or
 * the post script), inputs as INPUT_<NAME> variables, and GITHUB_OUTPUT, GITHUB_STATE and
 * GITHUB_STEP_SUMMARY as files the action appends to. Nothing of the test process's own
 * environment leaks in except PATH and HOME.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, toolPath } from './paths';

export interface RunActionOptions {
  /** Folder of the action, relative to the repo root (actions/s3-upload) or absolute. */
  action: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Which script of action.yml's runs: main (dist/index.js) or post (its post entry). */
  phase?: 'main' | 'post';
  /** State saved by the main phase (for the post phase). */
  state?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** The messages of ::error:: workflow commands, in order. */
  errors: string[];
  warnings: string[];
}

/** Parses the `name<<delimiter` / `name=value` file-command format. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      result[name] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq > 0) result[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return result;
}

/** Reads action.yml's runs.main / runs.post entry without a YAML dependency (the shape is fixed). */
function entryPoint(actionDir: string, phase: 'main' | 'post'): string {
  const text = readFileSync(path.join(actionDir, 'action.yml'), 'utf8');
  const match = new RegExp(`^\\s+${phase}:\\s*['"]?([^'"\\s]+)`, 'm').exec(text);
  if (!match?.[1]) throw new Error(`${actionDir}/action.yml has no runs.${phase}`);
  return path.join(actionDir, match[1]);
}

function commandMessages(stdout: string, command: 'error' | 'warning'): string[] {
  const unescape = (s: string) =>
    s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(`::${command}`))
    .map((line) => unescape(line.slice(line.indexOf('::', 2) + 2)));
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const actionDir = path.isAbsolute(options.action)
    ? options.action
    : path.join(repoRoot, options.action);
  const phase = options.phase ?? 'main';
  const work = mkdtempSync(path.join(os.tmpdir(), 'action-run-'));
  const files = {
    GITHUB_OUTPUT: path.join(work, 'output'),
    GITHUB_STATE: path.join(work, 'state'),
    GITHUB_STEP_SUMMARY: path.join(work, 'summary'),
    GITHUB_ENV: path.join(work, 'env'),
    GITHUB_PATH: path.join(work, 'path'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? work,
    RUNNER_TEMP: work,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.cwd ?? repoRoot,
    GITHUB_REPOSITORY: 'example/pipelines',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/integration',
    GITHUB_RUN_ID: '1',
    ...files,
    ...Object.fromEntries(
      Object.entries(options.inputs ?? {}).map(([k, v]) => [
        `INPUT_${k.replace(/ /g, '_').toUpperCase()}`,
        v,
      ]),
    ),
    ...Object.fromEntries(Object.entries(options.state ?? {}).map(([k, v]) => [`STATE_${k}`, v])),
    ...options.env,
  };
  try {
    const { exitCode, stdout, stderr } = await new Promise<{
      exitCode: number;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn(toolPath('node24'), [entryPoint(actionDir, phase)], {
        cwd: options.cwd ?? repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ exitCode: code ?? (signal ? 128 : 1), stdout: out, stderr: err });
      });
    });
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      errors: commandMessages(stdout, 'error'),
      warnings: commandMessages(stdout, 'warning'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
