import { z } from 'zod';
import type { Settings } from '../../core/config/types.js';
import type { RouteAccess } from '../../core/auth/access.js';
import type { FunctionDefinition, HttpFunctionDefinition } from '../definition.js';
import { httpFunction, json } from '../http/http-function.js';

type JsonObject = Record<string, unknown>;

const PROBLEM_SCHEMA: JsonObject = {
  type: 'object',
  description: 'RFC 9457 problem details; `type` is `urn:liveops:problem:<slug>`',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/**
 * The two schemes of DESIGN §2a. OpenAPI lists alternatives; the schemes inside one entry are
 * all required: a client key's write is the signature *and* the player token.
 */
const SECURITY_SCHEMES: JsonObject = {
  signature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Signature',
    description: 'HMAC-SHA256 request signature `t=<unix s>,kid=<key id>,v1=<hex>` over "v1\\n" + t + "\\n" + METHOD + "\\n" + path + "\\n" + hex(SHA-256(body)). Server keys (SERVER_KEY_IDS) act for any player, admin keys (ADMIN_KEY_IDS) call /api/admin/*, every other key is a client key and needs playerToken too. Admin writes also sign their Idempotency-Key as a sixth line.',
  },
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A staff token from `npm run admin-token` (HS256 under a key derived from an ADMIN_KEY_IDS key, aud liveops-admin, role admin or viewer, at most 24 h). Instead of the signature on /api/admin/*; a viewer may only GET.',
  },
  playerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A player session token: ours from POST /api/sessions (HS256, aud liveops) or the studio identity provider\'s (RS256/ES256, PLAYER_TOKEN_JWKS_URL). Binds a client key\'s request to one player.',
  },
};

const SECURITY: Readonly<Record<RouteAccess, readonly JsonObject[]>> = {
  'player-or-server': [{ signature: [] }, { signature: [], playerToken: [] }],
  'player-read': [{ signature: [] }, { playerToken: [] }],
  'server-only': [{ signature: [] }],
  admin: [{ signature: [] }, { adminToken: [] }],
};

/** JSON Schema (draft 2020-12, which OpenAPI 3.1 uses) of a zod schema, as the input it accepts. */
function schemaOf(schema: z.ZodType): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  return rest;
}

/** `players/{playerId}/progress` → `/api/players/{playerId}/progress`; `{id:int}` / `{id?}` lose their decorations. */
export function openApiPath(route: string): string {
  return `/api/${route.replace(/\{(\w+)(?::\w+)?\??\}/g, '{$1}')}`;
}

function pathParameters(route: string): JsonObject[] {
  return [...route.matchAll(/\{(\w+)(?::\w+)?(\?)?\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
}

function operation(def: HttpFunctionDefinition, settings: Settings): JsonObject {
  const docs = def.docs;
  if (docs === undefined) return { operationId: def.name, responses: { default: { description: 'undocumented' } } };
  const parameters: JsonObject[] = [...pathParameters(def.options.route)];
  if (docs.query !== undefined) {
    const shape = docs.query(settings).shape as Record<string, z.ZodType>;
    for (const [name, schema] of Object.entries(shape)) {
      parameters.push({ name, in: 'query', required: !schema.safeParse(undefined).success, schema: schemaOf(schema) });
    }
  }
  if (docs.auth !== undefined) {
    parameters.push({ name: 'X-Signature', in: 'header', required: docs.auth !== 'player-read', description: 't=<unix seconds>,kid=<key id>,v1=<hex HMAC-SHA256> (DESIGN §2)', schema: { type: 'string' } });
  }
  // Admin writes must send one, signed as the signature's sixth line (adminRoute, issue #19 item 3).
  const adminWrite = docs.auth === 'admin' && def.options.methods.some((m) => m !== 'GET');
  if (adminWrite) {
    parameters.push({ name: 'Idempotency-Key', in: 'header', required: true, description: 'Signed as the sixth line of X-Signature; a replay answers the stored response (DESIGN §2)', schema: { type: 'string', minLength: 1, maxLength: 255 } });
  } else if (docs.idempotent === true) {
    parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 } });
  }
  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(docs.responses)) {
    const isProblem = Number(status) >= 400;
    responses[status] = {
      description: response.description,
      ...(response.schema !== undefined
        ? { content: { 'application/json': { schema: schemaOf(response.schema(settings)) } } }
        : isProblem
          ? { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }
          : {}),
    };
  }
  return {
    operationId: def.name,
    summary: docs.summary,
    ...(docs.description === undefined ? {} : { description: docs.description }),
    tags: [...docs.tags],
    ...(docs.auth === undefined ? {} : { security: SECURITY[docs.auth] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(docs.requestBody === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(docs.requestBody(settings)) } } } }),
    responses,
  };
}

/** The OpenAPI 3.1 document of every HTTP function in `definitions`. */
export function buildOpenApi(options: { readonly definitions: readonly FunctionDefinition[]; readonly settings: Settings }): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const def of options.definitions) {
    if (def.kind !== 'http') continue;
    const path = openApiPath(def.options.route);
    const item = (paths[path] ??= {});
    for (const method of def.options.methods) item[method.toLowerCase()] = operation(def, options.settings);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'LiveOps Functions', version: '0.1.0', description: 'Signed, exactly-once gameplay event ingestion, fairness, progression and leaderboards.' },
    servers: [{ url: '/' }],
    paths,
    components: { schemas: { Problem: PROBLEM_SCHEMA }, securitySchemes: SECURITY_SCHEMES },
  };
}

/**
 * `GET /api/openapi.json`. Takes the catalogue as a function because the catalogue contains this
 * function itself.
 */
export function openApiFunction(options: { readonly catalog: () => readonly FunctionDefinition[] }) {
  return httpFunction({
    name: 'openapi',
    route: 'openapi.json',
    methods: ['GET'],
    authLevel: 'anonymous',
    docs: { summary: 'This OpenAPI 3.1 document', tags: ['meta'], responses: { 200: { description: 'The document' } } },
    build: (app) => {
      const document = buildOpenApi({ definitions: options.catalog(), settings: app.settings });
      return () => Promise.resolve(json(200, document, { 'Cache-Control': 'public, max-age=300' }));
    },
  });
}
