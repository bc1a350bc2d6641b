/**
 * What an environment runs now, from the deployment records the deploy jobs leave in GitHub's
 * Deployments API. Pure: decides from the API's answers which record to trust and what it says.
 *
 * A record is trusted only when GitHub Actions' own token created it (`github-actions[bot]`) and
 * its payload says it is one of ours (`"pipelines": 1`): anyone with `deployments: write` can
 * create deployments, and GitHub itself creates one (with an empty payload) for every job that
 * names an environment. Every payload field is optional: a missing one is shown as unknown, never
 * guessed.
 */
import { payloadObject } from '@pipelines/action-kit';

/** The payload a deploy job writes into its deployment record (every field may be missing). */
export interface RecordPayload {
  runId?: string;
  runAttempt?: string;
  workflow?: string;
  commit?: string;
  committedAt?: string;
  package: { sha256?: string; size?: number; s3Uri?: string; versionId?: string };
  function: { name?: string; alias?: string; version?: string };
  image: { digest?: string; uri?: string; size?: number };
}

/** A deployment as GET /repos/{owner}/{repo}/deployments lists it (the fields read here). */
export interface ApiDeployment {
  id: number;
  sha: string;
  created_at: string;
  creator?: { login?: string } | null;
  payload: unknown;
}

/** The record of what an environment runs now. */
export interface RunningRecord {
  deploymentId: number;
  /** The commit the record names (its payload's, else the deployment's own sha). */
  commit: string;
  createdAt: string;
  payload: RecordPayload;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;
const bytes = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
const section = (value: unknown): Json => (isObject(value) ? value : {});

/** The payload's fields, each only when it has the expected type. */
export function parsePayload(payload: unknown): RecordPayload {
  const p = payloadObject(payload) ?? {};
  const pkg = section(p.package);
  const fn = section(p.function);
  const image = section(p.image);
  const drop = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return drop({
    runId: text(p.run_id),
    runAttempt: text(p.run_attempt),
    workflow: text(p.workflow),
    commit: text(p.commit),
    committedAt: text(p.committed_at),
    package: drop({
      sha256: text(pkg.sha256),
      size: bytes(pkg.size),
      s3Uri: text(pkg.s3_uri),
      versionId: text(pkg.version_id),
    }),
    function: drop({ name: text(fn.name), alias: text(fn.alias), version: text(fn.version) }),
    image: drop({ digest: text(image.digest), uri: text(image.uri), size: bytes(image.size) }),
  });
}

export function runningRecord(deployment: ApiDeployment): RunningRecord {
  const payload = parsePayload(deployment.payload);
  const commit =
    payload.commit && /^[0-9a-f]{40}$/i.test(payload.commit) ? payload.commit : deployment.sha;
  return { deploymentId: deployment.id, commit, createdAt: deployment.created_at, payload };
}
