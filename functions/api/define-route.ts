/**
 * How a route module declares its routes: each route's method, path and who may call it come from its entry in
 * `ROUTES` (functions/topology.ts); the module adds the summary, the request and response schemas, and the
 * handler. One typed Hono environment serves the whole app, so handlers read `c.var` without casts.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ZodError } from 'zod';
import type { FieldViolation } from '../domain/errors.ts';
import { NotAuthenticated, NotPermitted } from '../domain/errors.ts';
import type { StaffPrincipal, StaffRole, StaffTokenVerifier } from '../domain/staff.ts';
import type { RouteSpec } from '../topology.ts';
import { STAFF_SECURITY } from './openapi-parts.ts';
import { problem, sendProblem } from './problem.ts';

/** The Hono environment of every route: set by the app's middleware before any handler runs. */
export type ApiEnv = {
  Variables: {
    /** This request's logger, carrying its correlation id. */
    log: Logger;
    correlationId: string;
    /** Verifies staff bearer tokens (the composition root's adapter). */
    staffTokens: StaffTokenVerifier;
  };
};

/** What a staff route's middleware adds: the verified caller. */
export type StaffEnv = { Variables: { principal: StaffPrincipal } };

/** A route entry anyone may call. */
type PublicSpec = RouteSpec & { readonly access: 'public' };
/** A route entry for staff holding one of its roles. */
type StaffSpec = RouteSpec & { readonly access: readonly StaffRole[] };

/** Everything of a route's OpenAPI definition except what its `ROUTES` entry says. */
type RouteDetails = Omit<RouteConfig, 'method' | 'path' | 'middleware' | 'security'>;

const methodOf = <S extends RouteSpec>(spec: S) => spec.method.toLowerCase() as Lowercase<S['method']>;

/** A public route: `spec` gives its method and path. */
export function publicRoute<const S extends PublicSpec, const D extends RouteDetails>(spec: S, details: D) {
  return createRoute({ ...details, method: methodOf(spec), path: spec.path, security: [] });
}

/**
 * A staff route: `spec` gives its method, path and roles. Its middleware lets the request through only with a
 * valid staff token carrying one of the roles (401 without one, 403 with another role) and puts the caller in
 * `c.var.principal`. API Gateway's Cognito authorizer checks the token first on AWS; this checks it again, so
 * the function never trusts the network path alone.
 */
export function staffRoute<const S extends StaffSpec, const D extends RouteDetails>(spec: S, details: D) {
  return createRoute({
    ...details,
    method: methodOf(spec),
    path: spec.path,
    security: [{ [STAFF_SECURITY]: [] }],
    middleware: [requireRoles(spec.access)] as const,
  });
}

function requireRoles(roles: readonly StaffRole[]): MiddlewareHandler<ApiEnv & StaffEnv> {
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

/** A router for one resource's routes, answering invalid input with a validation problem. */
export function createRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      return sendProblem(
        c,
        problem('validation-failed', {
          detail: 'One or more fields are invalid; see errors.',
          instance: new URL(c.req.url).pathname,
          errors: violationsFrom(result.error as ZodError, result.target),
        }),
      );
    },
  });
}

/** Field violations of a failed validation; unknown keys are named one by one. */
function violationsFrom(error: ZodError, target: string): FieldViolation[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    const prefix = target === 'header' ? 'Idempotency-Key' : base;
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: base ? `${base}.${key}` : key,
        message: 'is not a known field',
      }));
    }
    return [{ field: prefix || '(body)', message: issue.message }];
  });
}
