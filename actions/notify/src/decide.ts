/**
 * What a deploy notification says, as a Slack-compatible incoming-webhook payload
 * (`{ text, blocks }`: `text` is the one-line fallback a notification shows, `blocks` the message).
 * Pure: decided from the run's facts; sending is effects.ts's.
 */
import type { Inputs } from './inputs';

export type Event =
  | { kind: 'waiting'; notes: string }
  | { kind: 'deployed' }
  | { kind: 'failed'; jobs: { name: string; result: string }[] };

export interface RunFacts {
  environment: string;
  commit: string;
  ref: string;
  runUrl: string;
  repository: string;
}

/** One job of the workflow's `needs` context. */
interface NeedResult {
  result?: unknown;
}

/**
 * The run's outcome from the summary job's `needs`: failed (naming the jobs that failed or were
 * cancelled), deployed (a deploy job succeeded), or undefined (nothing to tell: nothing deployed
 * and nothing failed, e.g. a ref that deploys nowhere).
 */
export function outcomeOf(needs: Record<string, NeedResult>): Event | undefined {
  const failed = Object.entries(needs)
    .filter(([, need]) => need?.result === 'failure' || need?.result === 'cancelled')
    .map(([name, need]) => ({ name, result: String(need.result) }));
  if (failed.length) return { kind: 'failed', jobs: failed };
  const deployed = ['deploy', 'deploy-with-approval'].some(
    (job) => needs[job]?.result === 'success',
  );
  return deployed ? { kind: 'deployed' } : undefined;
}

/** Slack's escapes for text: only &, < and > have a meaning of their own. */
export function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const MARKDOWN_ESCAPE = /\\([\\`*_[\]<>|#~])/g;
const LINK = /(?<!\\)\[((?:\\.|[^\]\\])*)\]\((https?:\/\/[^)\s]+)\)/g;

/** One line of GitHub markdown as Slack mrkdwn: links, bold, escapes; headings are bold. */
function mrkdwnLine(line: string): string {
  const heading = /^#{1,6} (.*)$/.exec(line);
  const body = heading ? heading[1]! : line;
  let out = '';
  let last = 0;
  const plainPart = (part: string) =>
    slackText(part.replace(/\*\*([^*]+)\*\*/g, '*$1*').replace(MARKDOWN_ESCAPE, '$1'));
  for (const match of body.matchAll(LINK)) {
    out += plainPart(body.slice(last, match.index));
    const label = slackText(match[1]!.replace(MARKDOWN_ESCAPE, '$1')).replace(/\|/g, '¦');
    out += `<${match[2]!.replace(/[<>|]/g, encodeURIComponent)}|${label}>`;
    last = match.index + match[0].length;
  }
  out += plainPart(body.slice(last));
  return heading ? `*${out}*` : out;
}

/**
 * GitHub markdown (the release notes) as Slack mrkdwn: tables become one line per row with the
 * cells joined, code blocks stay, the rest goes through mrkdwnLine.
 */
export function toMrkdwn(markdown: string): string {
  let inCode = false;
  const lines: string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      inCode = !inCode;
      lines.push('```');
      continue;
    }
    if (inCode) {
      lines.push(slackText(line));
      continue;
    }
    if (/^\|[-| ]*\|$/.test(line) && line.includes('-')) continue;
    if (line.startsWith('|')) {
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
        .filter(Boolean);
      if (cells.length) lines.push(cells.map(mrkdwnLine).join(' · '));
      continue;
    }
    lines.push(mrkdwnLine(line));
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** Slack's limit on a section's text is 3000 characters. */
const SECTION_LIMIT = 2900;
/** Sections of notes at most (Slack allows 50 blocks in a message). */
const MAX_NOTE_SECTIONS = 10;

/** Splits mrkdwn into section texts at line ends, never inside a code block. */
export function sections(text: string): string[] {
  const chunks: string[] = [];
  let current = '';
  let openCode = false;
  for (const line of text.split('\n')) {
    const next = current ? `${current}\n${line}` : line;
    if (next.length > SECTION_LIMIT && current) {
      chunks.push(openCode ? `${current}\n\`\`\`` : current);
      current = openCode ? `\`\`\`\n${line}` : line;
    } else current = next.slice(0, SECTION_LIMIT);
    if (line.startsWith('```')) openCode = !openCode;
  }
  if (current.trim()) chunks.push(current);
  return chunks;
}

const short = (sha: string) => sha.slice(0, 7);

export interface SlackPayload {
  text: string;
  blocks: Record<string, unknown>[];
}

export function messageFor(event: Event, run: RunFacts): SlackPayload {
  const where = `${run.environment}: ${short(run.commit)} (${run.ref})`;
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
  const button = (label: string) => ({
    type: 'actions',
    elements: [{ type: 'button', text: { type: 'plain_text', text: label }, url: run.runUrl }],
  });
  const context = {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: slackText(`${run.repository} · ${run.ref} · ${run.commit}`),
      },
    ],
  };
  switch (event.kind) {
    case 'waiting': {
      const notes = sections(toMrkdwn(event.notes));
      const shown = notes.slice(0, MAX_NOTE_SECTIONS);
      const cut =
        notes.length > shown.length
          ? [section(`_The notes go on: read them all on <${run.runUrl}|the run page>._`)]
          : [];
      return {
        text: `${where} is waiting for approval. Review it: ${run.runUrl}`,
        blocks: [
          section(
            slackText(
              `${run.environment} is waiting for approval of ${short(run.commit)} (${run.ref}).`,
            ) + ` <${run.runUrl}|Review and approve>.`,
          ),
          ...shown.map(section),
          ...cut,
          button('Review and approve'),
          context,
        ],
      };
    }
    case 'deployed':
      return {
        text: `${where} deployed.`,
        blocks: [
          section(
            slackText(`Deployed ${short(run.commit)} (${run.ref}) to ${run.environment}.`) +
              ` <${run.runUrl}|The run>.`,
          ),
          context,
        ],
      };
    case 'failed': {
      const jobs = event.jobs.map((j) => `${j.name} (${j.result})`).join(', ');
      return {
        text: `${where} failed: ${jobs}.`,
        blocks: [
          section(
            slackText(
              `The run for ${run.environment} (${short(run.commit)}, ${run.ref}) failed: ${jobs}.`,
            ) + ` <${run.runUrl}|The run>.`,
          ),
          button('Open the run'),
          context,
        ],
      };
    }
  }
}

/** What to tell, or undefined: a run that deploys nowhere is nobody's news. */
export function eventOf(
  inputs: Pick<Inputs, 'environment' | 'event' | 'notes' | 'needs'>,
): Event | undefined {
  if (!inputs.environment) return undefined;
  if (inputs.event === 'waiting-for-approval')
    return { kind: 'waiting', notes: inputs.notes ?? '' };
  let needs: unknown;
  try {
    needs = JSON.parse(inputs.needs ?? '');
  } catch {
    throw new Error('the needs input is not JSON (pass needs: ${{ toJSON(needs) }})');
  }
  if (typeof needs !== 'object' || needs === null)
    throw new Error('the needs input is not an object');
  return outcomeOf(needs as Record<string, { result?: unknown }>);
}
