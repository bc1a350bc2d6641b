/**
 * Where a registry is and how to reach it. Pure: strings in, an endpoint or a reason out.
 * Plain HTTP is only for loopback (the local rehearsal registry) unless insecure-registry is set.
 */
import { isDigest } from '../oci/digest';

export interface RegistryEndpoint {
  /** host[:port], as image references name the registry. */
  host: string;
  /** scheme://host[:port], where /v2/ lives. */
  baseUrl: string;
}

export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    hostname === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

/** `host[:port]`, `https://host` or `http://127.0.0.1:PORT` -> endpoint; a string is the problem. */
export function resolveEndpoint(value: string, insecure: boolean): RegistryEndpoint | string {
  const explicit = /^([a-z]+):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (explicit && explicit !== 'http' && explicit !== 'https') {
    return `has scheme ${explicit}, expected https:// or http://`;
  }
  let url: URL;
  try {
    url = new URL(explicit ? value : `https://${value}`);
  } catch {
    return 'is not a host[:port] or URL';
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return 'must be a registry host (host[:port]), without a path';
  }
  if (url.username || url.password) return 'must not contain credentials';
  const loopback = isLoopback(url.hostname);
  const scheme = explicit ?? (loopback || insecure ? 'http' : 'https');
  if (scheme === 'http' && !loopback && !insecure) {
    return 'uses plain http for a non-loopback host; use https, or set insecure-registry: true';
  }
  return { host: url.host, baseUrl: `${scheme}://${url.host}` };
}

export interface ImageReference {
  registry: string;
  repository: string;
  digest: string;
}

const REPOSITORY =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** A repository name by the distribution spec's grammar (any registry, e.g. a promote source). */
export function isRepositoryName(value: string): boolean {
  return value.length >= 2 && value.length <= 256 && REPOSITORY.test(value);
}

/**
 * A name ECR accepts for a repository: CreateRepository's pattern, narrower than the spec's (one
 * separator between components, no `__`, no `--`), 2 to 256 characters. The same rule
 * environments.yml's image repositories are checked with.
 */
export { isEcrRepository as isEcrRepositoryName } from '@pipelines/environments/names';

/** `registry/repo@sha256:...` -> parts; a string is the problem. Tags are refused on purpose. */
export function parseImageReference(value: string): ImageReference | string {
  const at = value.lastIndexOf('@');
  if (at < 0) return 'has no @sha256:<digest>; promotion is by digest only, never by tag';
  const digest = value.slice(at + 1);
  if (!isDigest(digest)) return `has digest ${JSON.stringify(digest)}, expected sha256:<64 hex>`;
  const name = value.slice(0, at);
  const slash = name.indexOf('/');
  if (slash < 0) return 'has no registry host (expected registry/repository@sha256:...)';
  const registry = name.slice(0, slash);
  let repository = name.slice(slash + 1);
  if (!/[.:]/.test(registry) && registry !== 'localhost') {
    return `starts with ${JSON.stringify(registry)}, which is not a registry host (expected e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com)`;
  }
  // A tag before the digest (repo:tag@sha256:...) is ignored by registries; drop it here too.
  repository = repository.replace(/:[\w][\w.-]{0,127}$/, '');
  if (!isRepositoryName(repository)) {
    return `has repository ${JSON.stringify(repository)}, which is not a valid repository name`;
  }
  return { registry, repository, digest };
}
