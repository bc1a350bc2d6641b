/**
 * The actions reference, generated from each action.yml so that it cannot drift from the
 * contract the runner reads.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const actionYml = z.object({
  name: z.string(),
  description: z.string(),
  inputs: z
    .record(
      z.string(),
      z.object({
        description: z.string(),
        required: z.boolean().optional(),
        default: z.unknown().optional(),
      }),
    )
    .optional(),
  outputs: z.record(z.string(), z.object({ description: z.string() })).optional(),
  runs: z
    .object({ using: z.string(), main: z.string().optional(), post: z.string().optional() })
    .passthrough(),
});
export type ActionYml = z.infer<typeof actionYml>;

export interface ActionDoc {
  folder: string;
  spec: ActionYml;
}

/** Every action folder under actions/ that has an action.yml, in name order. */
export function readActions(repoRoot: string): ActionDoc[] {
  const dir = path.join(repoRoot, 'actions');
  return readdirSync(dir)
    .filter((name) => existsSync(path.join(dir, name, 'action.yml')))
    .sort()
    .map((name) => {
      const file = path.join(dir, name, 'action.yml');
      const result = actionYml.safeParse(parse(readFileSync(file, 'utf8')));
      if (!result.success) {
        throw new Error(
          `${file} is not a complete action.yml (every input and output needs a description): ${result.error.message}`,
        );
      }
      return { folder: `actions/${name}`, spec: result.data };
    });
}

const cell = (text: string) =>
  text
    .trim()
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

function defaultCell(value: unknown): string {
  if (value === undefined || value === '') return '';
  return `\`${cell(String(value))}\``;
}

export function renderActionsReference(actions: readonly ActionDoc[]): string {
  const parts = [
    '# Actions reference',
    '',
    '<!-- Generated from each action.yml by `pnpm docs:generate`; edit the action.yml, not this page. -->',
    '',
    'Use an action from another repository as `uses: <owner>/<repo>/<folder>@<commit-sha>`.',
    '',
  ];
  for (const { folder, spec } of actions) {
    parts.push(
      `## ${spec.name}`,
      '',
      `\`${folder}\` (runs on \`${spec.runs.using}\`${spec.runs.post ? ', with a post step' : ''}). ${cell(spec.description)}`,
      '',
    );
    parts.push('| input | required | default | description |', '|---|---|---|---|');
    for (const [name, input] of Object.entries(spec.inputs ?? {})) {
      parts.push(
        `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${defaultCell(input.default)} | ${cell(input.description)} |`,
      );
    }
    parts.push('', '| output | description |', '|---|---|');
    for (const [name, output] of Object.entries(spec.outputs ?? {})) {
      parts.push(`| \`${name}\` | ${cell(output.description)} |`);
    }
    parts.push('');
  }
  return parts.join('\n');
}
