/**
 * Action inputs, read the way the runner passes them (INPUT_<NAME> variables) and validated
 * once, up front, by a zod schema per action. Every problem becomes an InputError that names
 * the input and the fix, before any AWS call is made.
 */
import { z } from 'zod';
import { AWS_REGION } from '@pipelines/environments/names';
import { InputError } from './errors';

export type Env = Readonly<Record<string, string | undefined>>;

/** The raw value of an input, as @actions/core's getInput reads it (trimmed; '' when unset). */
export function rawInput(name: string, env: Env = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A field of an input schema: the zod type plus the fix to print when it does not parse. */
export interface InputSpec<T extends z.ZodType = z.ZodType> {
  schema: T;
  fix: string;
}

export function input<T extends z.ZodType>(schema: T, fix: string): InputSpec<T> {
  return { schema, fix };
}

/** An input's name as code spells it: `s3-object-version` becomes `s3ObjectVersion`. */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The parsed inputs, keyed by camelCase names (action.yml keeps GitHub's kebab-case). */
type Parsed<S extends Record<string, InputSpec>> = {
  readonly [K in keyof S & string as CamelCase<K>]: z.output<S[K]['schema']>;
};

/**
 * Parses all inputs of an action. Empty inputs are passed as `undefined`, so `.optional()` and
 * `.default()` in the schema decide what a missing input means.
 */
export function parseInputs<S extends Record<string, InputSpec>>(
  specs: S,
  env: Env = process.env,
): Parsed<S> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = rawInput(name, env);
    const result = spec.schema.safeParse(raw === '' ? undefined : raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      const problem =
        raw === ''
          ? 'is required but was not set'
          : `is not valid (${JSON.stringify(truncate(raw))}): ${issue?.message ?? 'invalid'}`;
      throw new InputError(name, problem, spec.fix);
    }
    out[camelCase(name)] = result.data;
  }
  return Object.freeze(out) as Parsed<S>;
}

function truncate(value: string, max = 120): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/** `true`/`false` as YAML 1.2 core schema spells them (what core.getBooleanInput accepts). */
export const booleanString = z.string().transform((v, ctx) => {
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  ctx.addIssue({ code: 'custom', message: 'expected true or false' });
  return z.NEVER;
});

/** A whole number within bounds. */
export function integerString(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A list given one per line or comma-separated; blanks dropped. */
export const listString = z.string().transform((v) =>
  v
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

/**
 * Runs a parser that returns either its result or a problem (a string) inside a zod schema, so
 * the problem becomes the input's error message.
 */
export function parsedBy<In, Out>(parse: (value: In) => Out | string) {
  return (value: In, ctx: z.RefinementCtx): Out => {
    const parsed = parse(value);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  };
}

/** A lowercase hex SHA-256 (64 characters). */
export const sha256Hex = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 hex characters (a SHA-256)'));

/** An AWS region name such as us-east-1. */
export const regionString = z.string().regex(AWS_REGION, 'expected a region such as us-east-1');

/** The region from the input, else AWS_REGION / AWS_DEFAULT_REGION. */
export function resolveRegion(fromInput: string | undefined, env: Env = process.env): string {
  const region = fromInput ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new InputError(
      'aws-region',
      'is required but was not set (and neither AWS_REGION nor AWS_DEFAULT_REGION is)',
      'Set the aws-region input, or run aws-actions/configure-aws-credentials first.',
    );
  }
  const parsed = regionString.safeParse(region);
  if (!parsed.success) {
    throw new InputError(
      'aws-region',
      `is not a region (${JSON.stringify(region)})`,
      'Use a region name such as us-east-1.',
    );
  }
  return region;
}
