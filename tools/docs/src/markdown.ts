/**
 * The checks every page of docs/ (and the README) must pass: shell commands are either run by a
 * test or marked as needing real AWS/GitHub, relative links resolve, generated blocks are fresh.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ShellBlock {
  line: number;
  marker: string | undefined;
  commands: string[];
}

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);

/** Fenced shell blocks, each with the `<!-- ... -->` marker on the line(s) just before it. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\w+)?\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ''); i++)
      body.push(lines[i] ?? '');
    if (!open[1] || !SHELL_LANGS.has(open[1])) continue;
    let j = start - 1;
    while (j >= 0 && (lines[j] ?? '').trim() === '') j--;
    const marker = /^\s*<!--\s*(.+?)\s*-->\s*$/.exec(lines[j] ?? '')?.[1];
    blocks.push({ line: start + 1, marker, commands: commandsOf(body) });
  }
  return blocks;
}

/** The commands of a block: no comments, no prompts, continuation lines joined. */
export function commandsOf(body: readonly string[]): string[] {
  const joined = body.join('\n').replace(/\\\n\s*/g, '');
  return joined
    .split('\n')
    .map((l) => l.replace(/^\s*\$\s+/, '').trim())
    .map((l) => l.replace(/\s+#\s.*$/, ''))
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export const NEEDS = ['aws', 'github', 'docker'] as const;

/** Problems with one page's shell blocks, as `file:line: message`. */
export function checkShellBlocks(file: string, markdown: string, repoRoot: string): string[] {
  const problems: string[] = [];
  for (const block of shellBlocks(markdown)) {
    const where = `${file}:${block.line}`;
    const marker = block.marker ?? '';
    const needs = /^needs:\s*([\w, ]+)$/.exec(marker);
    const tested = /^tested-by:\s*(\S+)$/.exec(marker);
    if (needs) {
      const unknown = needs[1]!
        .split(/[,\s]+/)
        .filter((n) => n && !(NEEDS as readonly string[]).includes(n));
      if (unknown.length)
        problems.push(`${where}: unknown need "${unknown.join(', ')}" (use ${NEEDS.join(', ')})`);
    } else if (tested) {
      const testFile = path.join(repoRoot, tested[1]!);
      if (!existsSync(testFile)) {
        problems.push(`${where}: tested-by names ${tested[1]}, which does not exist`);
        continue;
      }
      const source = readFileSync(testFile, 'utf8');
      for (const command of block.commands) {
        if (!source.includes(command))
          problems.push(
            `${where}: "${command}" is not run by ${tested[1]} (the test must contain the command verbatim)`,
          );
      }
    } else {
      problems.push(
        `${where}: shell block without a marker. Put <!-- tested-by: <test file> --> (a test that runs these commands) or <!-- needs: aws|github|docker --> on the line before it.`,
      );
    }
  }
  return problems;
}

/** Relative links (and images) that point at files that do not exist. */
export function checkLinks(file: string, markdown: string, repoRoot: string): string[] {
  const problems: string[] = [];
  const dir = path.dirname(path.join(repoRoot, file));
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, (m) => m.replace(/[^\n]/g, ' '));
  const lines = withoutCode.split('\n');
  lines.forEach((text, index) => {
    for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (/^(https?:|mailto:|#)/.test(target)) continue;
      const file0 = decodeURIComponent(target.split('#')[0]!);
      if (!existsSync(path.resolve(dir, file0)))
        problems.push(`${file}:${index + 1}: link to ${target} does not resolve`);
    }
  });
  return problems;
}

/** Replaces the body of `<!-- generated:NAME -->` ... `<!-- /generated:NAME -->`. */
export function replaceGenerated(markdown: string, name: string, body: string): string {
  const open = `<!-- generated:${name} -->`;
  const close = `<!-- /generated:${name} -->`;
  const start = markdown.indexOf(open);
  const end = markdown.indexOf(close);
  if (start < 0 || end < start) return markdown;
  return `${markdown.slice(0, start + open.length)}\n${body.trim()}\n${markdown.slice(end)}`;
}
