/**
 * Unit files, checked the way systemd would load them: `systemd-analyze verify` (Debian's
 * systemd package) against a private root, so units are looked up exactly as on a server without
 * touching this machine's systemd. The root holds this machine's unit library (targets such as
 * multi-user.target) and the units under test; programs the units run that this machine lacks
 * (docker: there is no Docker engine here) are listed by the caller and stand in as empty
 * executables, and units from absent packages (docker.service) as empty services, so that only
 * their existence is assumed, never their behaviour.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemTool } from './paths';

export interface VerifyResult {
  /** Exit status of systemd-analyze verify. */
  readonly status: number;
  /** Everything it reported (warnings included); empty when the units are clean. */
  readonly output: string;
}

export interface VerifyOptions {
  /** Absolute paths of programs the units run that are absent here, e.g. /usr/bin/docker. */
  readonly absentPrograms?: readonly string[];
  /** Units the units depend on that come from packages absent here, e.g. docker.service. */
  readonly absentUnits?: readonly string[];
}

export async function verifyUnits(
  unitFiles: readonly string[],
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const analyze = systemTool('/usr/bin/systemd-analyze');
  const root = mkdtempSync(path.join(os.tmpdir(), 'systemd-root-'));
  try {
    const library = '/usr/lib/systemd/system';
    mkdirSync(path.join(root, 'usr/lib/systemd'), { recursive: true });
    cpSync(library, path.join(root, library), { recursive: true });
    const unitDir = path.join(root, 'etc/systemd/system');
    mkdirSync(unitDir, { recursive: true });
    for (const file of unitFiles) cpSync(file, path.join(unitDir, path.basename(file)));
    for (const name of options.absentUnits ?? []) {
      writeFileSync(
        path.join(root, library, name),
        `[Unit]\nDescription=stand-in for ${name} (not installed here)\n\n[Service]\nExecStart=/bin/sh -c true\n`,
      );
    }
    for (const program of options.absentPrograms ?? []) {
      if (existsSync(program)) continue; // the real one is here: verify against it
      mkdirSync(path.join(root, path.dirname(program)), { recursive: true });
      writeFileSync(path.join(root, program), '#!/bin/sh\nexit 0\n');
      chmodSync(path.join(root, program), 0o755);
    }
    // Programs the units run from the host (curl, systemctl) are found through the root too.
    for (const dir of ['usr/bin', 'bin']) mkdirSync(path.join(root, dir), { recursive: true });
    for (const program of [
      '/usr/bin/curl',
      '/usr/bin/systemctl',
      '/bin/systemctl',
      '/bin/sh',
      '/usr/bin/sh',
    ]) {
      const target = path.join(root, program);
      if (existsSync(program) && !existsSync(target)) cpSync(program, target);
    }
    const names = readdirSync(unitDir);
    return await new Promise((resolve) => {
      execFile(
        analyze,
        ['verify', '--man=no', `--root=${root}`, ...names],
        { encoding: 'utf8' },
        (error, stdout, stderr) => {
          const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ status, output: `${stdout}${stderr}`.replaceAll(root, '').trim() });
        },
      );
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A unit file as sections of key/value lists (repeated keys keep every value, in order). */
export function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  // A line ending in a backslash continues on the next one (as systemd reads it).
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 0) throw new Error(`Not a unit file line: ${raw}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}
