/**
 * How a route module declares its routes. Each route's method, path and who may call it come from its entry in
 * `ROUTES` (functions/topology.ts); the module adds the summary, the schemas of what it reads and answers, and
 * the handler, which receives the request already validated. The same definitions register the routes on the
 * app and generate the OpenAPI document (./openapi-document.ts), so the document cannot disagree with them.
 *
 * Plain Hono and zod's mini API (imported as a namespace, so only what is used is bundled):
 * the api function's cold start is mostly the compile of what it bundles.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { type FieldViolation, NotAuthenticated, NotPermitted } from '../domain/errors.ts';
import type { StaffPrincipal, StaffRole, StaffTokenVerifier } from '../domain/staff.ts';
import { ROUTE_LIST, type RouteName, type RouteSpec } from '../topology.ts';
import { problem, sendProblem } from './problem.ts';

// English messages for what the schemas do not word themselves ("Too big: expected string to have <=100
// characters", not zod's bare "Invalid input"); the one locale costs about 3 KiB.
z.config(en());

/** The Hono environment of every route: set by the app's middleware before any handler runs. */
export type ApiEnv = {
  Variables: {
    /** This request's logger, carrying its correlation id. */
    log: Logger;
    correlationId: string;
    /** Verifies staff bearer tokens (the composition root's adapter). */
    staffTokens: StaffTokenVerifier;
    /** The parsed JSON body of a write (the app's body middleware reads it once). */
    jsonBody: unknown;
  };
};

/** What a staff route adds to the environment: the verified caller. */
export type StaffEnv = ApiEnv & { Variables: { principal: StaffPrincipal } };

/** One documented response. */
export interface ResponseDoc {
  readonly description: string;
  readonly schema?: z.ZodMiniType;
  /** Its media type, or each of them (Open311 answers XML or JSON). @default 'application/json' */
  readonly contentType?: string | readonly string[];
  /** Headers it carries that a client acts on: `ETag` (send it back in If-Match), `Location` (what was made). */
  readonly headers?: readonly ('ETag' | 'Location' | 'Idempotent-Replayed')[];
  /**
   * The sample whose examples, by media type, the documentation supplies where a schema cannot make one
   * (GeoReport's XML documents): named here, so the api function never bundles their text.
   */
  readonly sample?: string;
  /** Other media types the same response comes in when the client asks (`Accept`), e.g. `text/csv`. */
  readonly alsoAs?: Readonly<Record<string, { readonly description: string; readonly example: string }>>;
}

/** What a route reads and answers, beside its `ROUTES` entry. */
export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly params?: z.ZodMiniObject;
  readonly query?: z.ZodMiniObject;
  readonly headers?: z.ZodMiniObject;
  readonly body?: z.ZodMiniType;
  /**
   * A form (`application/x-www-form-urlencoded`) body the handler reads and answers for itself, in its own
   * format (Open311's): documented, not validated here.
   */
  readonly form?: z.ZodMiniObject;
  readonly responses: Readonly<Record<number, ResponseDoc>>;
}

type Parsed<T> = T extends z.ZodMiniType ? z.output<T> : undefined;

/** The validated input a handler receives. */
export interface RouteInput<D extends RouteDoc> {
  readonly params: Parsed<D['params']>;
  readonly query: Parsed<D['query']>;
  readonly headers: Parsed<D['headers']>;
  readonly body: Parsed<D['body']>;
}

/** A route as the app registers and documents it. */
export interface RouteDefinition {
  readonly name: RouteName;
  readonly spec: RouteSpec;
  /** Its schemas, built on first use. */
  doc(): RouteDoc;
  register(app: Hono<ApiEnv>): void;
}

/**
 * `build()`'s result, built on the first call and kept. Schemas are built this way: building every route's
 * schemas at cold start cost more than the rest of the import, and a container only needs those of the
 * routes it serves (the OpenAPI document builds them all when asked for).
 */
export function lazily<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

type EnvOf<S extends RouteSpec> = S['access'] extends 'public' ? ApiEnv : StaffEnv;

/**
 * Defines the route of `spec`: validates its path parameters, query, headers and JSON body against `doc`'s
 * schemas (a 422 problem naming each bad field otherwise), checks the caller's role on staff routes, then calls
 * `handler` with the parsed input. `describe` returns the schemas; it runs once, on first use.
 */
export function defineRoute<const S extends RouteSpec, const D extends RouteDoc>(
  spec: S,
  describe: () => D,
  handler: (c: Context<EnvOf<S>>, input: RouteInput<D>) => Response | Promise<Response>,
): RouteDefinition {
  const doc = lazily(describe);
  const name = ROUTE_LIST.find((route) => route.method === spec.method && route.path === spec.path)?.name;
  if (!name) throw new Error(`${spec.method} ${spec.path} is not in ROUTES`);
  const path = honoPath(spec.path);
  const run: MiddlewareHandler<ApiEnv> = async (c) => {
    const { params, query, headers, body } = doc();
    const violations: FieldViolation[] = [];
    const parse = <T extends z.ZodMiniType | undefined>(schema: T, value: () => unknown, target: Target) => {
      if (!schema) return undefined as Parsed<T>;
      const result = schema.safeParse(value());
      if (result.success) return result.data as Parsed<T>;
      violations.push(...violationsFrom(result.error, target));
      return undefined as Parsed<T>;
    };
    const input = {
      params: parse(params, () => c.req.param(), 'param'),
      query: parse(query, () => c.req.query(), 'query'),
      headers: parse(headers, () => c.req.header(), 'header'),
      body: parse(body, () => c.get('jsonBody'), 'json'),
    } as RouteInput<D>;
    if (violations.length > 0) {
      return sendProblem(
        c,
        problem('validation-failed', {
          detail: 'One or more fields are invalid; see errors.',
          instance: c.req.path,
          errors: violations,
        }),
      );
    }
    return handler(c as unknown as Context<EnvOf<S>>, input);
  };
  const handlers: MiddlewareHandler<ApiEnv>[] =
    spec.access === 'public'
      ? [run]
      : [requireRoles(spec.access) as unknown as MiddlewareHandler<ApiEnv>, run];
  return {
    name,
    spec,
    doc,
    register: (app) => {
      for (const handler of handlers) app.on(spec.method, path, handler);
    },
  };
}

/**
 * Lets the request through only with a valid staff token carrying one of `roles` (401 without one, 403 with
 * another role), and puts the caller in `c.var.principal`. API Gateway's Cognito authorizer checks the token
 * first on AWS; this checks it again, so the function never trusts the network path alone.
 */
function requireRoles(roles: readonly StaffRole[]): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!token) throw new NotAuthenticated(header ? 'malformed Authorization header' : 'no bearer token');
    const principal = await c.var.staffTokens.verify(token);
    if (!principal.roles.some((role) => roles.includes(role))) throw new NotPermitted([...roles]);
    c.set('principal', principal);
    await next();
  };
}

type Target = 'param' | 'query' | 'header' | 'json';

/** Field violations of a failed validation; unknown keys are named one by one. */
function violationsFrom(error: z.core.$ZodError, target: Target): FieldViolation[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: base ? `${base}.${key}` : key,
        message: 'is not a known field',
      }));
    }
    const field = target === 'header' ? headerName(base) : base;
    return [{ field: field || '(body)', message: issue.message }];
  });
}

/** An API Gateway path (`/enquiries/{reference}`) as Hono writes it (`/enquiries/:reference`). */
export function honoPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** `idempotency-key` → `Idempotency-Key`, as clients write it. */
export function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
