/**
 * Object tags: the commit, ref and run that produced a package, so anyone looking at a version
 * in the bucket can trace it back. Pure: the environment is passed in.
 */
import { InputError } from '@pipelines/action-kit/errors';
import { type Env } from '@pipelines/action-kit/inputs';

export interface Tag {
  Key: string;
  Value: string;
}

/** S3 allows 10 tags per object. */
export const MAX_TAGS = 10;

// S3 tag keys and values allow Unicode letters, digits, spaces and + - = . _ : / @ only.
const ALLOWED = /[^\p{L}\p{N} +\-=._:/@]/gu;

/** A value S3 accepts: other characters become "_", cut to S3's 256-character limit. */
export function tagValue(raw: string): string {
  return Array.from(raw.replace(ALLOWED, '_')).slice(0, 256).join('');
}

/** The provenance tags from the runner's variables; absent variables give no tag. */
export function provenanceTags(env: Env): Tag[] {
  const pairs: Array<[string, string | undefined]> = [
    ['commit', env.GITHUB_SHA],
    ['ref', env.GITHUB_REF],
    ['run-id', env.GITHUB_RUN_ID],
  ];
  return pairs.flatMap(([Key, raw]) => (raw ? [{ Key, Value: tagValue(raw) }] : []));
}

/** Parses `key=value` items; returns the problem as a string when one does not parse. */
export function parseTagPairs(items: readonly string[]): Tag[] | string {
  const tags: Tag[] = [];
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq > 0 ? item.slice(0, eq).trim() : '';
    if (!key) return `"${item}" is not key=value`;
    if (key.length > 128 || tagValue(key) !== key) {
      return `tag key "${key}" must be at most 128 of letters, digits, spaces and + - = . _ : / @`;
    }
    tags.push({ Key: key, Value: tagValue(item.slice(eq + 1).trim()) });
  }
  return tags;
}

/** Provenance tags plus the user's, the user's winning on a clash; refuses more than S3 allows. */
export function objectTags(env: Env, extra: readonly Tag[]): Tag[] {
  const byKey = new Map<string, string>();
  for (const tag of [...provenanceTags(env), ...extra]) byKey.set(tag.Key, tag.Value);
  if (byKey.size > MAX_TAGS) {
    throw new InputError(
      'tags',
      `gives ${byKey.size} tags with commit, ref and run-id; S3 allows at most ${MAX_TAGS} per object`,
      'Remove some extra tags.',
    );
  }
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

/** The x-amz-tagging header form (a URL query string), sent with PutObject/CreateMultipartUpload. */
export function taggingHeader(tags: readonly Tag[]): string {
  // encodeURIComponent, not URLSearchParams: S3 must not read a "+" as a space.
  return tags.map((t) => `${encodeURIComponent(t.Key)}=${encodeURIComponent(t.Value)}`).join('&');
}
