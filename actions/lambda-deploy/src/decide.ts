/**
 * The decisions of a deploy as pure functions of what Lambda reported: is the function ready for
 * (or done with) an update, does its code have the package's sha256, may the alias be moved.
 */
import { sha256Base64ToHex } from '@pipelines/action-kit/checksum';

/** The parts of a FunctionConfiguration the decisions read. */
export interface FunctionState {
  State?: string;
  StateReason?: string;
  LastUpdateStatus?: string;
  LastUpdateStatusReason?: string;
  CodeSha256?: string;
}

export type Readiness = { ready: true } | { ready: false; reason: string } | { failed: string };

/**
 * Whether the function has finished its last update. `Pending` state and `InProgress` updates
 * are waited for; a `Failed` update or state is final and reported with AWS's reason.
 */
export function readiness(config: FunctionState): Readiness {
  if (config.LastUpdateStatus === 'Failed') {
    return { failed: `the update failed: ${config.LastUpdateStatusReason ?? 'no reason given'}` };
  }
  if (config.State === 'Failed') {
    return {
      failed: `the function is in state Failed: ${config.StateReason ?? 'no reason given'}`,
    };
  }
  if (config.LastUpdateStatus === 'InProgress') {
    return { ready: false, reason: 'LastUpdateStatus is InProgress' };
  }
  if (config.State === 'Pending') return { ready: false, reason: 'State is Pending' };
  return { ready: true };
}

/**
 * Problem with the deployed code, if any: Lambda reports CodeSha256 as base64 of the zip's
 * SHA-256, the package step and s3-upload as hex. Compared as bytes, never as strings of different
 * spellings.
 */
export function codeShaProblem(
  codeSha256: string | undefined,
  expectedHex: string,
): string | undefined {
  const actualHex = codeSha256 ? sha256Base64ToHex(codeSha256) : undefined;
  if (actualHex === expectedHex) return undefined;
  return (
    `Lambda reports CodeSha256 ${JSON.stringify(codeSha256 ?? null)}` +
    `${actualHex ? ` (hex ${actualHex})` : ''}, but the package's sha256 is ${expectedHex}`
  );
}

/** Compare-before-set: the alias must still point where it did when the deploy read it. */
export function aliasMovedProblem(
  alias: string,
  readAtStart: string | undefined,
  readNow: string | undefined,
): string | undefined {
  if (readAtStart === readNow) return undefined;
  const show = (v: string | undefined) => (v === undefined ? 'nothing (no alias)' : `version ${v}`);
  return (
    `alias "${alias}" moved during this deploy: it pointed at ${show(readAtStart)} when the deploy ` +
    `started and points at ${show(readNow)} now. Another deploy is running against this function`
  );
}

/** Where a published version's code came from, as this action records it in the description. */
export interface S3Source {
  bucket: string;
  key: string;
  version: string;
}

const SOURCE_PREFIX = 'code from ';
/** Lambda's limit for a version's description. */
const MAX_DESCRIPTION = 256;

/**
 * The description of a version this action publishes: its code's exact S3 object version, which a
 * later deploy restores from if it has to. Undefined when it would not fit.
 */
export function sourceDescription(source: S3Source): string | undefined {
  const text = `${SOURCE_PREFIX}s3://${source.bucket}/${source.key}?versionId=${source.version}`;
  return text.length <= MAX_DESCRIPTION ? text : undefined;
}

/** The S3 source a version's description records, if this action wrote it. */
export function sourceOfDescription(description: string | undefined): S3Source | undefined {
  const match = /^code from s3:\/\/([^/]+)\/(.+)\?versionId=([^?]+)$/.exec(description ?? '');
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { bucket: match[1], key: match[2], version: match[3] };
}
