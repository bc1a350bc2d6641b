/**
 * Errors every action reports the same way: what failed, why, and what to do.
 */

/** A readable message for any thrown value, not only `Error`s. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** Bad input: names the input and the fix. Raised before anything changes. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`Input "${input}" ${problem}. ${fix}`);
  }
}

/**
 * The one wording of a failure: `Could not <verb> <thing>: <cause>. <what to do>`. For a failure
 * that is only reported (a warning, a line of a summary); one that stops the step throws
 * ActionError, which words itself the same way.
 */
export function couldNot(what: string, cause: unknown, fix?: string): string {
  return `Could not ${what}: ${errorMessage(cause)}${fix ? `. ${fix}` : ''}`;
}

/** A failure with context: `Could not <verb> <thing>: <cause>. <what to do>`. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  constructor(what: string, cause: unknown, fix?: string) {
    super(couldNot(what, cause, fix), { cause });
  }
}

/** The AWS SDK's error name (`NoSuchKey`, `ResourceNotFoundException`, ...), if any. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'name' in error) {
    const name = (error as { name: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

/** The HTTP status of an AWS SDK error, if it has one. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const meta = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

/** The HTTP status of an Octokit request error (GitHub's answer), or undefined for anything else. */
export function gitHubStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}
