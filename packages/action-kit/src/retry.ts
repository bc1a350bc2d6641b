/**
 * Retry with exponential backoff and full jitter, bounded by attempts and by a deadline, and
 * honouring a server's Retry-After. The sleep is swappable so retry tests run instantly.
 */
import { couldNot } from './errors';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** What is being retried, for messages: "update function code". */
  label: string;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Absolute time (ms since epoch) after which no further attempt starts. */
  deadline?: number;
  /** Whether this error is worth another attempt. */
  isRetryable: (error: unknown) => boolean;
  /** A server-requested delay for this error (Retry-After), in ms. */
  retryAfterMs?: (error: unknown) => number | undefined;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
}

/** The delay before attempt `attempt + 1`: full jitter over an exponentially growing cap. */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    label: string,
    readonly attempts: number,
    readonly lastError: unknown,
    why: string,
  ) {
    super(couldNot(`${label} after ${attempts} attempt(s) (${why})`, lastError), {
      cause: lastError,
    });
  }
}

export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!options.isRetryable(error)) throw error;
      if (attempt >= options.maxAttempts) {
        throw new RetriesExhaustedError(options.label, attempt, error, 'attempts used up');
      }
      const requested = options.retryAfterMs?.(error);
      const delayMs = Math.min(
        options.maxDelayMs,
        Math.max(
          requested ?? 0,
          backoffDelay(attempt, options.baseDelayMs, options.maxDelayMs, random),
        ),
      );
      if (options.deadline !== undefined && now() + delayMs >= options.deadline) {
        throw new RetriesExhaustedError(options.label, attempt, error, 'timed out');
      }
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}

/** Parses an HTTP Retry-After header (seconds or an HTTP date) into ms. */
export function parseRetryAfter(
  value: string | undefined | null,
  nowMs: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
