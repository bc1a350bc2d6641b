/**
 * The routing table as markdown, generated from environments.yml for the docs (the same columns
 * as the table in docs/design.md), so the documentation cannot drift from the file.
 */
import type { EnvironmentRule, EnvironmentsConfig } from './model';

/** Inline code that survives backticks and pipes inside a table cell. */
function code(text: string): string {
  const escaped = text.replace(/\|/g, '\\|');
  const fence = escaped.includes('`') ? '``' : '`';
  const pad = fence.length > 1 ? ' ' : '';
  return `${fence}${pad}${escaped}${pad}${fence}`;
}

function list(noun: string, plural: string, items: readonly string[]): string {
  return `${items.length === 1 ? noun : plural} ${items.map(code).join(', ')}`;
}

const yes = (v: boolean, strong = false) => (v ? (strong ? '**yes**' : 'yes') : 'no');

function refCells(rule: {
  branches: readonly { name: string }[];
  tags: readonly { name: string }[];
  branchPatterns: readonly { source: string }[];
  tagPatterns: readonly { source: string }[];
}): string[] {
  const cells: string[] = [];
  if (rule.branches.length)
    cells.push(
      list(
        'branch',
        'branches',
        rule.branches.map((b) => b.name),
      ),
    );
  if (rule.branchPatterns.length)
    cells.push(`branches matching ${rule.branchPatterns.map((p) => code(p.source)).join(', ')}`);
  if (rule.tags.length)
    cells.push(
      list(
        'tag',
        'tags',
        rule.tags.map((t) => t.name),
      ),
    );
  if (rule.tagPatterns.length)
    cells.push(`tags matching ${rule.tagPatterns.map((p) => code(p.source)).join(', ')}`);
  return cells;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderRoutingTable(config: EnvironmentsConfig): string {
  const lines = [
    row(['ref', 'environment', 'tier', 'build', 'deploy', 'approval']),
    row(['---', '---', '---', '---', '---', '---']),
  ];
  const environmentRows = (env: EnvironmentRule) =>
    refCells(env).map((ref) =>
      row([ref, code(env.key), env.tier, 'yes', 'yes', yes(env.approval, true)]),
    );
  for (const env of config.environments) lines.push(...environmentRows(env));
  const buildOnly = refCells({ ...config.buildOnly, tags: [], tagPatterns: [] });
  for (const ref of buildOnly) lines.push(row([ref, 'none', 'lower', 'yes', 'no', 'no']));
  lines.push(row(['any other ref', 'none', 'lower', 'no', 'no', 'no']));
  return `${lines.join('\n')}\n`;
}
