/**
 * Job conditions and `${{ }}` templates evaluated with GitHub's own expression engine
 * (@actions/expressions). The status functions (success, always, failure, cancelled) are not part
 * of that library: the runner supplies them from the results of the job's `needs`, and so do we.
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';

export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';

/** Plain values the way a workflow's contexts hold them (JSON-like). */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export interface Scope {
  /** Contexts by name: github, needs, vars, env, inputs, … */
  contexts: Readonly<Record<string, Value>>;
  /** Results of the job's direct needs, for the status functions. */
  needsResults: readonly JobResult[];
}

const STATUS_FUNCTIONS = ['success', 'always', 'failure', 'cancelled'];

export function toData(value: Value): data.ExpressionData {
  if (value === null) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  return new data.Dictionary(
    ...Object.entries(value).map(([key, v]) => ({ key, value: toData(v) })),
  );
}

function statusFunctions(results: readonly JobResult[]) {
  const fn = (name: string, call: () => boolean) => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(call()),
  });
  return [
    // No run is cancelled in this model; success() means every direct need succeeded.
    fn('success', () => results.every((r) => r === 'success')),
    fn('always', () => true),
    fn('failure', () => results.some((r) => r === 'failure')),
    fn('cancelled', () => false),
  ];
}

function evaluate(expression: string, scope: Scope): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const functions = statusFunctions(scope.needsResults);
  const expr = new Parser(lexed.tokens, Object.keys(scope.contexts), functions).parse();
  const context = new data.Dictionary(
    ...Object.entries(scope.contexts).map(([key, v]) => ({ key, value: toData(v) })),
  );
  return new Evaluator(expr, context, new Map(functions.map((f) => [f.name, f]))).evaluate();
}

/** Whether an expression calls a status function (then GitHub does not add success() itself). */
export function callsStatusFunction(expression: string): boolean {
  const tokens = new Lexer(expression).lex().tokens;
  return tokens.some(
    (t, i) => STATUS_FUNCTIONS.includes(t.lexeme.toLowerCase()) && tokens[i + 1]?.lexeme === '(',
  );
}

/** A `${{ x }}` wrapper around a whole condition is optional in `if:`. */
function unwrap(condition: string): string {
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition);
  return m?.[1] !== undefined && !m[1].includes('}}') ? m[1] : condition;
}

/**
 * A job's `if:` as the runner decides it: absent means success(); a condition without a status
 * function means `success() && (condition)`.
 */
export function jobCondition(condition: string | undefined, scope: Scope): boolean {
  if (condition === undefined || condition.trim() === '')
    return truthy(evaluate('success()', scope));
  const expression = unwrap(condition);
  const full = callsStatusFunction(expression) ? expression : `success() && (${expression})`;
  return truthy(evaluate(full, scope));
}

/**
 * A value as written in the workflow (a matrix's list): a whole `${{ x }}` is evaluated to the
 * JSON-like value it gives (`fromJSON(needs.resolve.outputs.images)`), anything else is itself.
 */
export function evaluateValue(written: unknown, scope: Scope): Value {
  const whole = typeof written === 'string' ? /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(written) : null;
  if (!whole?.[1] || whole[1].includes('}}')) return written as Value;
  return JSON.parse(JSON.stringify(evaluate(whole[1], scope), data.replacer)) as Value;
}

/** A string with `${{ }}` parts (an environment name, a URL) as the runner renders it. */
export function renderTemplate(template: string, scope: Scope): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    evaluate(expression, scope).coerceString(),
  );
}
