/**
 * Headless Chromium as a visitor's browser in tests: a page's DOM after it loaded, with host names
 * mapped where the test says (`--host-resolver-rules`) and nothing else resolving.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { systemTool } from './paths';

const run = promisify(execFile);

/** The flags every headless run here takes: no sandbox (root), no background traffic, a profile. */
export function headlessChromiumFlags(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--user-data-dir=${profile}`,
  ];
}

/**
 * The DOM Chromium shows for `url`, with `flags` added (resolver rules, certificate trust). One
 * more try when the dump is empty: headless Chromium on a loaded 2-core machine has been seen to
 * lose its renderer before the dump (a page that does not load is empty both times).
 */
export async function chromiumDom(url: string, flags: readonly string[]): Promise<string> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
  try {
    let dom = '';
    for (let attempt = 1; attempt <= 2 && dom.trim() === ''; attempt++) {
      ({ stdout: dom } = await run(
        systemTool('/usr/bin/chromium'),
        [
          ...headlessChromiumFlags(profile),
          ...flags,
          '--virtual-time-budget=5000',
          '--dump-dom',
          url,
        ],
        { encoding: 'utf8', timeout: 90_000 },
      ));
    }
    return dom;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
