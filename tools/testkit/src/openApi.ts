/**
 * Checks requests and responses against GitHub's published REST description (the api.github.com
 * OpenAPI document of @octokit/openapi), so the GitHub stand-in cannot drift from the real API:
 * a request the real GitHub would refuse (unknown route, unknown field, wrong type, missing field)
 * is refused here too, and a canned answer must have the shape GitHub documents.
 *
 * Pure once the description is loaded: `checkRequest` and `checkResponse` only read it.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

interface OpenApiParameter {
  $ref?: string;
  name?: string;
  in?: string;
  schema?: { type?: string };
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: Json }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Json;
}

export interface Operation {
  /** GitHub's operationId, for example `repos/get-environment`. */
  id: string;
  method: string;
  /** The path template, for example `/repos/{owner}/{repo}/environments/{environment_name}`. */
  template: string;
}

export interface RequestCheck {
  operation?: Operation;
  /** What GitHub would answer instead: 404 for an unknown route, 422 for a bad body. */
  refusal?: { status: 404 | 422; message: string };
  problems: string[];
}

export interface ApiDescription {
  match(method: string, path: string): Operation | undefined;
  checkRequest(request: { method: string; path: string; body: unknown }): RequestCheck;
  checkResponse(operation: Operation, status: number, body: unknown): string[];
}

/**
 * Fields the live API takes and returns that the published description does not list yet. Each
 * is added to the description (not dropped from the check), with where it is documented.
 * - `can_admins_bypass` on environments: returned by GET and accepted by PUT
 *   /repos/{owner}/{repo}/environments/{environment_name}, defaulting to true (the settings page's
 *   "Allow administrators to bypass configured protection rules"; go-github issues 2722 and 2725
 *   report both directions working while the reference does not list the field).
 */
function addUndocumentedFields(document: OpenApiDocument): void {
  const schemas = document.components.schemas as Record<string, Json>;
  const environment = schemas.environment!;
  environment.properties = {
    ...(environment.properties as Json),
    can_admins_bypass: { type: 'boolean' },
  };
  const put = document.paths['/repos/{owner}/{repo}/environments/{environment_name}']!.put!;
  const schema = put.requestBody!.content!['application/json']!.schema!;
  schema.properties = { ...(schema.properties as Json), can_admins_bypass: { type: 'boolean' } };
}

const DESCRIPTION_ID = 'https://api.github.com/openapi.json';

/** `#/components/...` inside an operation refers to the description's components. */
function rebase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebase);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        key === '$ref' && typeof inner === 'string' && inner.startsWith('#/')
          ? `${DESCRIPTION_ID}${inner}`
          : rebase(inner),
      ]),
    );
  }
  return value;
}

/**
 * OpenAPI 3.0's `nullable` without a `type` (next to a `$ref` or `allOf`) is not JSON Schema, and
 * Ajv refuses it: say the same thing as `anyOf: [schema, null]`.
 */
function nullableWithoutType(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nullableWithoutType);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([k, v]) => [k, nullableWithoutType(v)] as const);
  const node = Object.fromEntries(entries) as Json;
  if (node.nullable === true && node.type === undefined) {
    const { nullable: _nullable, ...rest } = node;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return node;
}

function templateRegex(template: string, capture = false): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join(capture ? '([^/]+)' : '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/** The more literal characters a template has, the more specific it is. */
const literalLength = (template: string) => template.replace(/\{[^}]+\}/g, '').length;

export function describeApi(document: OpenApiDocument): ApiDescription {
  addUndocumentedFields(document);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'uint64', 'repo.nwo', 'ssh-key', 'ssh-key fingerprint'])
    ajv.addFormat(format, true);
  ajv.addSchema({ components: nullableWithoutType(document.components) }, DESCRIPTION_ID);

  const routes = Object.entries(document.paths)
    .map(([template, methods]) => ({ template, regex: templateRegex(template), methods }))
    .sort((a, b) => literalLength(b.template) - literalLength(a.template));
  const validators = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Json) => {
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(rebase(nullableWithoutType(schema)) as Json);
      validators.set(key, validate);
    }
    return validate;
  };
  const errorsOf = (validate: ValidateFunction) =>
    (validate.errors ?? []).map(
      (e) =>
        `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? `: ${String((e.params as { additionalProperty?: string }).additionalProperty)}` : ''}`,
    );
  const operationOf = (operation: Operation) =>
    document.paths[operation.template]![operation.method.toLowerCase()]!;

  const match = (method: string, path: string): Operation | undefined => {
    const lower = method.toLowerCase();
    for (const route of routes) {
      if (!route.regex.test(path)) continue;
      const operation = route.methods[lower];
      if (operation)
        return {
          id: operation.operationId ?? `${method} ${route.template}`,
          method: method.toUpperCase(),
          template: route.template,
        };
    }
    return undefined;
  };

  /** Path parameters GitHub types as integers (run_id, branch_policy_id) must be digits. */
  const pathProblems = (operation: Operation, path: string): string[] => {
    const names = [...operation.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const values = templateRegex(operation.template, true).exec(path)?.slice(1) ?? [];
    const parameters = (operationOf(operation).parameters ?? []).map((p) =>
      p.$ref
        ? (document.components.parameters as Record<string, OpenApiParameter>)[
            p.$ref.replace('#/components/parameters/', '')
          ]!
        : p,
    );
    return names.flatMap((name, i) => {
      const type = parameters.find((p) => p.name === name && p.in === 'path')?.schema?.type;
      return type === 'integer' && !/^\d+$/.test(values[i] ?? '')
        ? [
            `${operation.id} (${operation.method} ${path}) path parameter ${name} must be an integer`,
          ]
        : [];
    });
  };

  const componentResponse = (ref: string) =>
    (document.components.responses as Record<string, OpenApiOperation['responses']>)[
      ref.replace('#/components/responses/', '')
    ] as unknown as { content?: Record<string, { schema?: Json }> } | undefined;

  return {
    match,
    checkRequest({ method, path, body }) {
      const operation = match(method, path);
      if (!operation) {
        const problem = `${method} ${path}: no such operation in GitHub's REST API`;
        return { refusal: { status: 404, message: 'Not Found' }, problems: [problem] };
      }
      const badPath = pathProblems(operation, path);
      // GitHub answers 404 for a path whose ids are not numbers: no such resource.
      if (badPath.length)
        return { operation, refusal: { status: 404, message: 'Not Found' }, problems: badPath };
      const requestBody = operationOf(operation).requestBody;
      const schema = requestBody?.content?.['application/json']?.schema;
      if (!schema) return { operation, problems: [] };
      if (body === undefined) {
        if (!requestBody?.required) return { operation, problems: [] };
        const problem = `${operation.id} (${method} ${path}): the request has no body`;
        return {
          operation,
          refusal: { status: 422, message: 'Invalid request.' },
          problems: [problem],
        };
      }
      const validate = validator(`request ${operation.id}`, schema);
      if (validate(body)) return { operation, problems: [] };
      const problems = errorsOf(validate).map(
        (error) => `${operation.id} (${method} ${path}) request ${error}`,
      );
      return {
        operation,
        refusal: { status: 422, message: `Invalid request.\n\n${errorsOf(validate).join('\n')}` },
        problems,
      };
    },
    checkResponse(operation, status, body) {
      const label = `${operation.id} (${operation.method} ${operation.template}) response ${status}`;
      const documented = operationOf(operation).responses?.[String(status)];
      let response = documented?.$ref ? componentResponse(documented.$ref) : documented;
      // GitHub documents only some error statuses per operation; any 4xx carries a basic error.
      if (!response && status >= 400 && status < 500)
        response = {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/basic-error' } } },
        };
      if (!response) return [`${label}: GitHub does not document this status`];
      let schema = response.content?.['application/json']?.schema;
      // Some documented error statuses have no schema; GitHub still sends a basic error there.
      if (!schema && status >= 400) schema = { $ref: '#/components/schemas/basic-error' };
      if (!schema)
        return body === undefined ? [] : [`${label}: GitHub documents no body for this status`];
      if (body === undefined) return [`${label}: GitHub documents a body, none was sent`];
      const validate = validator(`response ${operation.id} ${status}`, schema);
      return validate(body) ? [] : errorsOf(validate).map((error) => `${label} ${error}`);
    },
  };
}

let loaded: ApiDescription | undefined;

/** GitHub's description of api.github.com, loaded once per process (13 MB of JSON). */
export function gitHubApi(): ApiDescription {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const document = require('@octokit/openapi/generated/api.github.com.json') as OpenApiDocument;
    loaded = describeApi(structuredClone(document));
  }
  return loaded;
}

/**
 * A copy of one of the description's own examples (`components/examples/<name>`), for the
 * stand-in's large bodies (a full repository has some 80 required fields): the stand-in overrides
 * the fields its callers read, and the result is still checked against the schema.
 */
export function gitHubExample<T = Record<string, unknown>>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const document = require('@octokit/openapi/generated/api.github.com.json') as {
    components: { examples: Record<string, { value: unknown }> };
  };
  const example = document.components.examples[name];
  if (!example) throw new Error(`GitHub's REST description has no example ${name}`);
  return structuredClone(example.value) as T;
}
