/**
 * The OpenAPI 3.1 document, generated from the route definitions: their `ROUTES` entries (method, path, staff
 * or public) and their zod schemas, converted with zod's own JSON Schema output (draft 2020-12, which OpenAPI
 * 3.1 uses). A schema marked `.meta({ title })` at the top of a body or response becomes a named component.
 */
import * as z from 'zod/mini';
import { isStaffRoute } from '../topology.ts';
import type { RouteDefinition } from './define-route.ts';

/** Name of the bearer security scheme. */
export const STAFF_SECURITY = 'staffToken';

type Json = Record<string, unknown>;

/** The document describing `routes`, under `info`. */
export function openApiDocument(routes: readonly RouteDefinition[], info: Json): Json {
  const components: Record<string, Json> = {};
  /** A request schema as its input (before defaults and transforms), a response as its output. */
  const schemaOf = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
    const json = toJsonSchema(schema, io);
    const title = typeof json.title === 'string' ? json.title : undefined;
    if (!title) return json;
    components[title] ??= json;
    return { $ref: `#/components/schemas/${title}` };
  };
  const paths: Record<string, Json> = {};
  for (const { name, spec, doc: describe } of routes) {
    const doc = describe();
    const parameters = [
      ...parametersOf(doc.params, 'path'),
      ...parametersOf(doc.query, 'query'),
      ...parametersOf(doc.headers, 'header'),
    ];
    const operation: Json = {
      operationId: name,
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      security: isStaffRoute(spec) ? [{ [STAFF_SECURITY]: [] }] : [],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(doc.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(doc.body, 'input') } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(doc.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? {
                  content: {
                    [response.contentType ?? 'application/json']: {
                      schema: schemaOf(response.schema, 'output'),
                    },
                  },
                }
              : {}),
          },
        ]),
      ),
    };
    paths[spec.path] = { ...paths[spec.path], [spec.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        [STAFF_SECURITY]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito ID token of a staff user (locally: npm run token -- --role <role>)',
        },
      },
    },
  };
}

/** One parameter per property of `schema`, located `where`. */
function parametersOf(schema: z.ZodMiniObject | undefined, where: 'path' | 'query' | 'header'): Json[] {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input');
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries((json.properties ?? {}) as Record<string, Json>).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function toJsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return json;
}
