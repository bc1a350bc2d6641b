/**
 * The faults the reliability suite injects, per protocol (each service answers errors its own
 * way), and reproducible plans that decide which requests of one run get them.
 */
import {
  jsonThrottle,
  randomFaults,
  serverError,
  type Fault,
  type FaultPlan,
} from '@pipelines/testkit';

/** What sits behind a fault proxy: S3 (XML), Lambda or the ECR API (JSON), or an OCI registry. */
export type Target = 's3' | 'lambda' | 'ecr-api' | 'registry';

export const FAULT_KINDS = [
  'reset',
  'reset-after-forward',
  'latency',
  'http-500',
  'slowdown-503',
  'throttle-429',
  'truncated-body',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const registryError = (status: number, code: string, retryAfter: string): Fault => ({
  kind: 'status',
  status,
  headers: { 'content-type': 'application/json', 'retry-after': retryAfter },
  body: JSON.stringify({ errors: [{ code, message: `injected ${code}` }] }),
});

/** S3's throttling answer, 503 SlowDown, with the Retry-After (seconds) given. */
const slowDown = (retryAfter: string): Fault => ({
  kind: 'status',
  status: 503,
  headers: { 'content-type': 'application/xml', 'retry-after': retryAfter },
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
});

const jsonError = (status: number, type: string): Fault => ({
  kind: 'status',
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: type, message: `injected ${type}` }),
});

/** The fault of `kind` as `target` would send it. */
export function faultFor(kind: FaultKind, target: Target): Fault {
  switch (kind) {
    case 'reset':
      return { kind: 'reset' };
    case 'reset-after-forward':
      return { kind: 'reset-after-forward' };
    case 'latency':
      return { kind: 'delay', ms: 250 };
    case 'truncated-body':
      return { kind: 'truncate', bytes: 16 };
    case 'http-500':
      if (target === 's3') return serverError;
      if (target === 'registry') return registryError(500, 'UNKNOWN', '0');
      return jsonError(500, 'ServiceException');
    case 'slowdown-503':
      // S3's SlowDown carries Retry-After; the JSON services and the registry answer 503 too.
      if (target === 's3') return slowDown('1');
      if (target === 'registry') return registryError(503, 'UNAVAILABLE', '1');
      return jsonError(503, 'ServiceUnavailableException');
    case 'throttle-429':
      // S3 throttles with 503 SlowDown (it never sends 429); the others with 429.
      if (target === 's3') return slowDown('0');
      if (target === 'registry') return registryError(429, 'TOOMANYREQUESTS', '1');
      return jsonThrottle;
  }
}

/** A tiny deterministic generator (mulberry32): the same seed gives the same plan. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable seed for one run: a string hash of its name. */
export function seedOf(name: string): number {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

export type PlanShape =
  /** Each request faulted with probability `rate` (transient faults, scattered). */
  | { shape: 'scattered'; rate: number }
  /** `length` consecutive requests faulted after the first `after` (an outage that heals). */
  | { shape: 'burst'; after: number; length: number };

/** A plan for one run; it counts its own requests, so it does not depend on earlier runs. */
export function planFor(fault: Fault, shape: PlanShape, seed: number): FaultPlan {
  if (shape.shape === 'scattered') return randomFaults(seed, shape.rate, [fault]);
  let n = 0;
  return () => {
    n++;
    return n > shape.after && n <= shape.after + shape.length ? fault : undefined;
  };
}

/** The shapes each action is run under, per fault: two scattered runs and one outage burst. */
export function shapesFor(seed: number): PlanShape[] {
  const random = seeded(seed);
  return [
    { shape: 'scattered', rate: 0.25 },
    { shape: 'scattered', rate: 0.4 },
    { shape: 'burst', after: 1 + Math.floor(random() * 6), length: 6 },
  ];
}
