/**
 * The OpenAPI 3.1 document, generated from the route definitions: their `ROUTES` entries (name, method, path,
 * staff or public) and their zod schemas, converted with zod's own JSON Schema output (draft 2020-12, which
 * OpenAPI 3.1 uses). A schema marked `.meta({ title })` at the top of a body or response becomes a named
 * component. What every route of a kind can answer (401/403 on staff routes, 412/428 with If-Match, 429 and
 * 503 everywhere…) is added here from the route's shape, so no route can forget it; the local gateway checks
 * every response of the test suite against the result (local/contract.ts).
 *
 * Change the contract → bump `API_VERSION` (semver) and add its entry to CHANGELOG.md; `npm run
 * generate:api-types` refuses a changed contract without both.
 */
import * as z from 'zod/mini';
import { OPEN_GOVERNMENT_LICENCE, type PublishedLicence } from '../domain/partnership.ts';
import { isStaffRoute, type RouteSpec } from '../topology.ts';
import { headerName, type ResponseDoc, type RouteDefinition, type RouteDoc } from './define-route.ts';
import { exampleOf } from './openapi-examples.ts';
import { problemResponses } from './openapi-parts.ts';
import {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPES,
  type ProblemSlug,
  RETRY_AFTER_OUTAGE_SECONDS,
} from './problem.ts';
import { ProblemSchema } from './schemas.ts';

/** The contract's version (semver): major for a change that breaks a client, minor for an addition. */
export const API_VERSION = '3.0.0';

/** Name of the bearer security scheme. */
export const STAFF_SECURITY = 'staffToken';

/** Where the API runs, for `servers`: the stage's public URL, and the local cloud's. */
export interface DocumentSettings {
  readonly servers: readonly { readonly url: string; readonly description: string }[];
  /** Who answers questions about the API: the partnership's Community Safety Unit, from its record. */
  readonly contact?: { readonly name: string; readonly email: string; readonly url?: string };
  /** The licence of what the API publishes, from the partnership record (the OGL until it is read). */
  readonly licence?: PublishedLicence;
  /** The examples of a response's named `sample`, by media type. */
  readonly samples?: (name: string) => Readonly<Record<string, unknown>> | undefined;
}

type Json = Record<string, unknown>;

/** Tags, one per resource, in the order the reference shows them; `tagOf` picks a route's. */
export const TAGS = [
  {
    name: 'Enquiries',
    description: 'The public contacts the Community Safety Unit and follows its enquiry.',
  },
  { name: 'Enquiry categories', description: 'What the contact form offers, and how admins change it.' },
  {
    name: 'Cases',
    description:
      'Staff work each enquiry from inbox to closure: CSU officers every case, agencies their own.',
  },
  {
    name: 'Data protection',
    description: 'Erasure, subject access and the audit trail of who read or changed what (UK GDPR).',
  },
  {
    name: 'Open311 GeoReport v2',
    description: 'The published GeoReport v2 spec, in XML or JSON by extension, and the keys of its clients.',
  },
  { name: 'Open data', description: 'Depersonalised monthly figures of enquiries.' },
  { name: 'Partnership', description: 'The partnership’s public information, and its partners.' },
  { name: 'Organisations', description: 'The partnership’s member organisations and their memberships.' },
  { name: 'Agencies', description: 'The Community Safety Unit’s agencies, which receive referrals.' },
  { name: 'Routing', description: 'Which agencies receive each category’s enquiries.' },
  { name: 'Chair', description: 'The chair, alternating yearly between the roles the partnership names.' },
  { name: 'Priorities', description: 'The partnership’s priorities for each plan year.' },
  { name: 'Plans and documents', description: 'Strategic assessments, the partnership plan and documents.' },
  { name: 'Action plan', description: 'The rolling action plan.' },
  { name: 'Meetings', description: 'Partnership meetings and their minutes.' },
  {
    name: 'Motions and votes',
    description: 'Motions put to the partnership, and statutory partners’ votes.',
  },
] as const;
/** The name of one of `TAGS`. */
export type TagName = (typeof TAGS)[number]['name'];

const TAG_BY_SEGMENT: Readonly<Record<string, TagName>> = {
  'enquiry-categories': 'Enquiry categories',
  'subject-access': 'Data protection',
  audit: 'Data protection',
  open311: 'Open311 GeoReport v2',
  statistics: 'Open data',
  partnership: 'Partnership',
  partners: 'Partnership',
  organisations: 'Organisations',
  agencies: 'Agencies',
  routing: 'Routing',
  chair: 'Chair',
  priorities: 'Priorities',
  assessments: 'Plans and documents',
  plans: 'Plans and documents',
  documents: 'Plans and documents',
  'action-plan': 'Action plan',
  meetings: 'Meetings',
  motions: 'Motions and votes',
};

/** The resource a route belongs to. @throws for a path no tag covers (a new resource needs its tag). */
export function tagOf(spec: RouteSpec): TagName {
  const segment = spec.path.split('/')[1] ?? '';
  if (segment === 'enquiries') {
    if (spec.path.endsWith('/erasure')) return 'Data protection';
    return isStaffRoute(spec) ? 'Cases' : 'Enquiries';
  }
  const tag = TAG_BY_SEGMENT[segment];
  if (!tag) throw new Error(`No OpenAPI tag for ${spec.path}: add its first segment to TAG_BY_SEGMENT`);
  return tag;
}

/** What each problem status means, for every operation that documents it. */
const PROBLEM_STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'The body is not valid JSON, or not UTF-8.',
  401: 'No valid staff token: send `Authorization: Bearer <ID token>`.',
  403: 'The token’s role may not do this.',
  404: 'Nothing at this path, or nothing you may see there.',
  409: 'The records as they stand refuse this; `detail` says why.',
  412: 'The record changed since you read it: read it again for its current ETag, then retry.',
  413: 'The body is too large.',
  415: 'The body must be `application/json`.',
  422: 'One or more fields are invalid: `errors` names each field and what is wrong.',
  428: 'Send `If-Match` with the ETag you read.',
  429: 'Too many requests: wait `Retry-After` seconds (a few, when absent), then retry.',
  500: 'Something failed on our side; `detail` carries a correlation id to quote.',
  503: 'A service we depend on is briefly unavailable: send the same request again after `Retry-After` seconds.',
};

/** The problem each status's example shows. */
const EXAMPLE_PROBLEM: Readonly<Record<number, ProblemSlug>> = {
  400: 'malformed-request',
  401: 'not-authenticated',
  403: 'not-permitted',
  404: 'not-found',
  409: 'record-conflict',
  412: 'stale-version',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'validation-failed',
  428: 'precondition-required',
  429: 'too-many-requests',
  500: 'internal-error',
  503: 'service-unavailable',
};

/** True for JSON media types (`application/json`, `application/problem+json`, with or without parameters). */
export const isJsonMedia = (type: string) => /^application\/(.+\+)?json\b/.test(type);

/** GeoReport paths answer their own errors in the spec's format; only API Gateway's throttling is a problem. */
const isGeoReport = (spec: RouteSpec) => spec.path.startsWith('/open311/v2/');

/**
 * The problem statuses every route of `spec`'s shape can answer: 429 (API Gateway's throttle) and 500/503
 * everywhere; 401/403 on staff routes; 404 with a path parameter; 422 when anything is validated;
 * 400/413/415 on writes (the body is read before anything else); 412/428 with If-Match; 409 with an
 * Idempotency-Key (the same key still in progress).
 */
export function standardProblemStatuses(spec: RouteSpec, doc: RouteDoc): number[] {
  if (isGeoReport(spec)) return [429];
  const headers = new Set(Object.keys(doc.headers?.shape ?? {}));
  return [
    ...(spec.method !== 'GET' ? [400, 413, 415] : []),
    ...(isStaffRoute(spec) ? [401, 403] : []),
    ...(spec.path.includes('{') ? [404] : []),
    ...(headers.has('idempotency-key') ? [409] : []),
    ...(headers.has('if-match') ? [412, 428] : []),
    ...(doc.params || doc.query || doc.headers || doc.body ? [422] : []),
    429,
    500,
    503,
  ];
}

/** The document describing `routes`, for the servers and contact of `settings`. */
export function openApiDocument(routes: readonly RouteDefinition[], settings: DocumentSettings): Json {
  const components: Record<string, Json> = {};
  const examples: { target: Json; schema: Json }[] = [];
  /** A request schema as its input (before defaults and transforms), a response as its output. */
  const schemaOf = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
    const json = toJsonSchema(schema, io);
    const title = typeof json.title === 'string' ? json.title : undefined;
    if (!title) return json;
    components[title] ??= json;
    return { $ref: `#/components/schemas/${title}` };
  };
  /** A media type object of `schema`, its example filled in once every component is known. */
  const mediaOf = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
    const media: Json = { schema: schemaOf(schema, io) };
    examples.push({ target: media, schema: media.schema as Json });
    return media;
  };
  // Every problem response refers to it.
  schemaOf(ProblemSchema(), 'output');
  const paths: Record<string, Json> = {};
  for (const { name, spec, doc: describe } of routes) {
    const doc = describe();
    const parameters = [
      ...parametersOf(doc.params, 'path'),
      ...parametersOf(doc.query, 'query'),
      ...parametersOf(doc.headers, 'header'),
    ];
    const responses: Record<string, ResponseDoc> = {
      ...problemResponses(...standardProblemStatuses(spec, doc)),
    };
    const headerNames = new Set(Object.keys(doc.headers?.shape ?? {}));
    const conditional = headerNames.has('if-match');
    for (const [status, response] of Object.entries(doc.responses)) {
      // A change made with If-Match answers the record's new ETag, for the next change (unless the route says
      // which headers it sends, e.g. none for an erasure's receipt).
      responses[status] =
        conditional && /^2/.test(status) && response.headers === undefined
          ? { ...response, headers: [...new Set([...(response.headers ?? []), 'ETag' as const])] }
          : response;
    }
    const operation: Json = {
      operationId: name,
      summary: doc.summary,
      description: describeAccess(spec, doc.description),
      tags: [tagOf(spec)],
      security: isStaffRoute(spec) ? [{ [STAFF_SECURITY]: [] }] : [],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(doc.body
        ? { requestBody: { required: true, content: { 'application/json': mediaOf(doc.body, 'input') } } }
        : doc.form
          ? {
              requestBody: {
                required: true,
                content: { 'application/x-www-form-urlencoded': mediaOf(doc.form, 'input') },
              },
            }
          : {}),
      responses: Object.fromEntries(
        Object.entries(responses).map(([status, response]) => [
          status,
          responseObject(
            settings,
            Number(status),
            response,
            headerNames.has('idempotency-key'),
            spec.path,
            mediaOf,
          ),
        ]),
      ),
    };
    paths[spec.path] = { ...paths[spec.path], [spec.method.toLowerCase()]: operation };
  }
  for (const { target, schema } of examples) target.example ??= exampleOf(schema, components);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Community Safety Partnership API',
      version: API_VERSION,
      description: API_DESCRIPTION,
      ...(settings.contact ? { contact: settings.contact } : {}),
      license: settings.licence ?? OPEN_GOVERNMENT_LICENCE,
    },
    servers: settings.servers,
    tags: TAGS,
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        [STAFF_SECURITY]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Cognito ID token of a staff user (locally: `npm run token -- --role <role>`). Its `cognito:groups` carry the roles each operation names.',
        },
      },
    },
  };
}

const API_DESCRIPTION = [
  'Public enquiries to the Community Safety Unit, the casework staff do on them, and the partnership’s records.',
  '',
  '- **Staff routes** need a staff ID token (`Authorization: Bearer <token>`); each names the roles it allows.',
  '- **Errors** are RFC 9457 problem details (`application/problem+json`); `errors` lists each invalid field.',
  '- **Retries**: send `Idempotency-Key` with `POST /enquiries` so a retry never creates a second enquiry; on `429` or `503` wait `Retry-After` seconds and send the same request again.',
  '- **Changes** to a versioned record need `If-Match` with the `ETag` you read: `428` without it, `412` when someone changed it first.',
].join('\n');

/** The operation's description, ending with who may call it. */
function describeAccess(spec: RouteSpec, description: string | undefined): string {
  const access =
    spec.access === 'public'
      ? 'Public: no token needed.'
      : `Staff roles: ${spec.access.map((role) => `\`${role}\``).join(', ')}.`;
  return description ? `${description}\n\n${access}` : access;
}

function responseObject(
  settings: DocumentSettings,
  status: number,
  response: ResponseDoc,
  idempotent: boolean,
  path: string,
  mediaOf: (schema: z.ZodMiniType, io: 'output') => Json,
): Json {
  const contentTypes = [response.contentType ?? 'application/json'].flat();
  const isProblem = contentTypes.includes(PROBLEM_CONTENT_TYPE);
  const headers = {
    ...responseHeaders(status, isProblem),
    // The same Idempotency-Key still in progress: retry in a second.
    ...(status === 409 && idempotent ? retryAfter(1) : {}),
    ...declaredHeaders(response),
  };
  const content = isProblem
    ? {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: '#/components/schemas/Problem' },
          example: problemExample(status, path),
        },
      }
    : {
        ...Object.fromEntries(
          contentTypes.map((type) => {
            // A schema describes the JSON; an XML document carries its example alone.
            const media: Json =
              response.schema && isJsonMedia(type) ? mediaOf(response.schema, 'output') : {};
            const sample =
              response.sample === undefined ? undefined : settings.samples?.(response.sample)?.[type];
            if (sample !== undefined) media.example = sample;
            return [type, media];
          }),
        ),
        // What it says it is, beside the JSON: a table as CSV, a page as HTML.
        ...Object.fromEntries(
          Object.entries(response.alsoAs ?? {}).map(([type, { description, example }]) => [
            type,
            { schema: { type: 'string', description }, example },
          ]),
        ),
      };
  return {
    description: isProblem ? (PROBLEM_STATUS_TEXT[status] ?? response.description) : response.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(content && status !== 204 ? { content } : {}),
  };
}

/** What the headers a route declares mean to a client. */
const HEADER_DOCS: Readonly<Record<NonNullable<ResponseDoc['headers']>[number], Json>> = {
  ETag: {
    description: 'The version you now hold: send it back in `If-Match` to change the record.',
    schema: { type: 'string' },
    example: '"3"',
  },
  Location: {
    description: 'Where what was just made can be read: a path under the API, or the status page’s URL.',
    schema: { type: 'string' },
    example: '/agencies/kent-police',
  },
  'Idempotent-Replayed': {
    description:
      'Present (`true`) when this answers an earlier request with the same `Idempotency-Key`, replayed.',
    schema: { type: 'string', enum: ['true'] },
  },
};

function declaredHeaders(response: ResponseDoc): Json {
  return Object.fromEntries((response.headers ?? []).map((name) => [name, HEADER_DOCS[name]]));
}

function responseHeaders(status: number, isProblem: boolean): Json | undefined {
  if (status === 429 || status === 503) return retryAfter(status === 503 ? RETRY_AFTER_OUTAGE_SECONDS : 1);
  if (status === 401 && isProblem) {
    return {
      'WWW-Authenticate': { description: 'Always `Bearer`.', schema: { type: 'string', const: 'Bearer' } },
    };
  }
  return undefined;
}

/** The Retry-After header, with `seconds` as its example. */
function retryAfter(seconds: number): Json {
  return {
    'Retry-After': {
      description: 'Seconds to wait before sending the same request again.',
      schema: { type: 'integer', minimum: 0 },
      example: seconds,
    },
  };
}

/** A problem document of `status`, as the API answers it on `path`. */
function problemExample(status: number, path: string): Json {
  const slug = EXAMPLE_PROBLEM[status] ?? 'internal-error';
  const { title } = PROBLEM_TYPES[slug];
  return {
    type: `urn:csp:problem:${slug}`,
    title,
    status,
    detail: PROBLEM_STATUS_TEXT[status] ?? title,
    instance: path.replace(/\{[^}]+\}/g, (param) => PATH_EXAMPLES[param] ?? 'example'),
    ...(status === 422 ? { errors: [{ field: 'email', message: 'must be an email address' }] } : {}),
  };
}

const PATH_EXAMPLES: Readonly<Record<string, string>> = {
  '{reference}': 'CSU-2026-000123',
  '{id}': '3f2c8a4e-5b1d-4c6e-9a7f-2d8e1b0c4a91',
  '{code}': 'antisocial-behaviour',
  '{category}': 'antisocial-behaviour',
  '{planYear}': '2026-27',
};

/** One parameter per property of `schema`, located `where`, with its example. */
function parametersOf(schema: z.ZodMiniObject | undefined, where: 'path' | 'query' | 'header'): Json[] {
  if (!schema) return [];
  const json = toJsonSchema(schema, 'input');
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries((json.properties ?? {}) as Record<string, Json>).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      // Header names as clients write them (`If-Match`); HTTP compares them without case.
      name: where === 'header' ? headerName(name) : name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      example: exampleOf(rest, {}, 0, name),
    };
  });
}

function toJsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return json;
}
