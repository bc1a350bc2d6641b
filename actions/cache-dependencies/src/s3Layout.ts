/**
 * Where entries live in the bucket:
 *
 *   <root>/<owner>/<repo>/<url-encoded ref>/<cache key>
 *
 * One path segment per ref (a ref's slashes are encoded), so listing the prefix of one ref never
 * returns another ref's entries (refs/heads/a is not a prefix of refs/heads/ab's segment).
 * The encoding is encodeURIComponent with `%` written as `~`: keys without `%` need no special
 * handling anywhere (signing, consoles, moto's IAM check), and since git forbids `~` in ref
 * names, the mapping stays one to one.
 */
export function refSegment(ref: string): string {
  return encodeURIComponent(ref).replace(/%/g, '~');
}

export function refPrefix(root: string, repository: string, ref: string): string {
  return `${root.replace(/\/+$/, '')}/${repository}/${refSegment(ref)}/`;
}

export function objectKey(root: string, repository: string, ref: string, key: string): string {
  return `${refPrefix(root, repository, ref)}${key}`;
}

export interface ListedObject {
  Key?: string;
  LastModified?: Date;
}

/** The newest listed entry (ties broken by key, so the choice is stable), if any. */
export function newest(objects: readonly ListedObject[]): ListedObject | undefined {
  let best: ListedObject | undefined;
  for (const object of objects) {
    if (!object.Key || !object.LastModified) continue;
    if (
      !best?.LastModified ||
      object.LastModified > best.LastModified ||
      (object.LastModified.getTime() === best.LastModified.getTime() &&
        object.Key > (best.Key ?? ''))
    ) {
      best = object;
    }
  }
  return best;
}
