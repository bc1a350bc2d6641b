/**
 * Posts a payload to the webhook, once, within a deadline. Never throws: a notification must not
 * fail a deploy, so every problem comes back as a sentence for a warning. The URL is a secret (it
 * is all it takes to post to the channel): no message here contains it.
 */
import { errorMessage } from '@pipelines/action-kit';
import type { SlackPayload } from './decide';

export type Delivery = { sent: true } | { sent: false; problem: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why the URL cannot be a webhook, or undefined when it can: https, or http to this machine
 * (a local receiver; a webhook over plain http elsewhere would send the secret path in clear).
 */
export function webhookProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'DEPLOY_WEBHOOK_URL is not a URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)) return undefined;
  return 'DEPLOY_WEBHOOK_URL must be an https:// URL (http is allowed only to localhost)';
}

/** A message about a request to `url`, with the URL and its path (the secret part) taken out. */
export function redact(message: string, url: string): string {
  let out = message;
  for (const secret of [url, safePath(url)])
    if (secret && secret !== '/') out = out.split(secret).join('***');
  return out;
}

function safePath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

export async function deliver(
  url: string,
  payload: SlackPayload,
  timeoutMs: number,
): Promise<Delivery> {
  const problem = webhookProblem(url);
  if (problem) return { sent: false, problem };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.text().catch(() => '')).slice(0, 200);
    if (response.ok) return { sent: true };
    return {
      sent: false,
      problem: redact(
        `the webhook answered ${response.status}${body ? ` (${body.trim()})` : ''}`,
        url,
      ),
    };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const timedOut = (error as { name?: unknown }).name === 'TimeoutError';
    const detail = timedOut
      ? `no answer within ${timeoutMs / 1000} s`
      : `${errorMessage(error)}${cause ? ` (${errorMessage(cause)})` : ''}`;
    return { sent: false, problem: redact(`the webhook could not be reached: ${detail}`, url) };
  }
}
