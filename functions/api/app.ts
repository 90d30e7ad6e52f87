/**
 * The public enquiry API as a Hono app. The same app runs inside the `api` Lambda (behind API Gateway) and,
 * through that Lambda's handler, in the local cloud.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { statusUrl } from '../domain/enquiry.ts';
import type { FieldViolation } from '../domain/errors.ts';
import type { GovernanceRepository } from '../domain/governance-ports.ts';
import type { Clock, EnquiryRepository, EventPublisher, ReferenceDataRepository } from '../domain/ports.ts';
import type { RecordsRepository } from '../domain/records.ts';
import type { StaffTokenVerifier } from '../domain/staff.ts';
import { getEnquiryStatus } from '../domain/use-cases/get-enquiry-status.ts';
import { submitEnquiry } from '../domain/use-cases/submit-enquiry.ts';
import { safeError } from '../observability.ts';
import { API_CORS } from '../topology.ts';
import { renderDocsPage } from './docs-page.ts';
import { registerGovernanceRoutes } from './governance-routes.ts';
import { problemResponses } from './openapi-parts.ts';
import {
  PROBLEM_CONTENT_TYPE,
  type Problem,
  type ProblemSlug,
  problem,
  problemForError,
  problemHeaders,
} from './problem.ts';
import { registerRecordsRoutes } from './records-routes.ts';
import {
  EnquiryAcceptedSchema,
  EnquiryCategoryListSchema,
  EnquiryStatusSchema,
  IdempotencyHeaderSchema,
  NewEnquirySchema,
  ReferenceParamSchema,
  StatusTokenQuerySchema,
} from './schemas.ts';
import { registerStaffRoutes } from './staff-routes.ts';

/** Largest accepted request body. A full enquiry with a 4,000-character description is well under it. */
export const MAX_BODY_BYTES = 32 * 1024;

/** Everything the API needs, built once by the Lambda's composition root. */
export interface ApiDeps {
  readonly enquiries: EnquiryRepository;
  readonly referenceData: ReferenceDataRepository;
  readonly governance: GovernanceRepository;
  readonly records: RecordsRepository;
  /** Verifies staff bearer tokens for the staff routes. */
  readonly staffTokens: StaffTokenVerifier;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Base of links we hand out, e.g. `https://abc.execute-api.eu-west-2.amazonaws.com/prod`. */
  readonly publicApiUrl: string;
  /** Origins allowed by CORS (the council website). */
  readonly allowedOrigins: readonly string[];
}

type Env = { Variables: { log: Logger; correlationId: string } };

function sendProblem(c: Context, body: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(body), body.status as 400, {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    ...headers,
  });
}

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

const listCategoriesRoute = createRoute({
  method: 'get',
  path: '/enquiry-categories',
  summary: 'List the enquiry categories for the public contact form',
  responses: {
    200: {
      description: 'Categories',
      content: { 'application/json': { schema: EnquiryCategoryListSchema } },
    },
    ...problemResponses(500),
  },
});

const submitEnquiryRoute = createRoute({
  method: 'post',
  path: '/enquiries',
  summary: 'Submit an enquiry to the Community Safety Unit',
  request: {
    headers: IdempotencyHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: NewEnquirySchema } } },
  },
  responses: {
    201: {
      description: 'Stored; acknowledgement and routing follow within seconds',
      content: { 'application/json': { schema: EnquiryAcceptedSchema } },
    },
    ...problemResponses(400, 409, 413, 415, 422, 500),
  },
});

const enquiryStatusRoute = createRoute({
  method: 'get',
  path: '/enquiries/{reference}/status',
  summary: "The enquirer's view of their enquiry's status",
  request: { params: ReferenceParamSchema, query: StatusTokenQuerySchema },
  responses: {
    200: { description: 'Status', content: { 'application/json': { schema: EnquiryStatusSchema } } },
    ...problemResponses(404, 422, 500),
  },
});

/** Builds the API. */
export function createApi(deps: ApiDeps): OpenAPIHono<Env> {
  const app = new OpenAPIHono<Env>({
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

  app.use('*', requestContext(deps.logger));
  app.use(
    '*',
    cors({
      origin: [...deps.allowedOrigins],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'OPTIONS'],
      allowHeaders: [...API_CORS.allowHeaders],
      exposeHeaders: [...API_CORS.exposeHeaders],
      maxAge: API_CORS.maxAgeSeconds,
    }),
  );
  app.use('*', jsonBodies());

  app.openapi(listCategoriesRoute, async (c) => {
    const categories = await deps.referenceData.listCategories();
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ categories }, 200);
  });

  app.openapi(submitEnquiryRoute, async (c) => {
    const body = c.req.valid('json');
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    const result = await submitEnquiry(deps, { enquiry: toNewEnquiry(body), idempotencyKey });
    const { enquiry } = result;
    const log = c.get('log');
    log.appendKeys({ reference: enquiry.reference });
    if (!result.published) {
      log.warn('EnquiryReceived not published; left for the outbox sweeper', {
        error: safeError(result.publishError),
      });
    } else if (result.publishError) {
      log.warn('Published but could not clear the outbox mark', { error: safeError(result.publishError) });
    }
    log.info(result.replayed ? 'Enquiry request replayed' : 'Enquiry accepted', {
      category: enquiry.category,
    });
    const link = statusUrl(deps.publicApiUrl, enquiry);
    c.header('Location', link);
    if (result.replayed) c.header('Idempotent-Replayed', 'true');
    return c.json(
      {
        reference: enquiry.reference,
        // The body describes the acceptance, so a replay answers exactly as the first request did even after
        // the enquiry has moved on; its current status is behind statusUrl.
        status: 'received' as const,
        receivedAt: enquiry.receivedAt,
        statusUrl: link,
      },
      201,
    );
  });

  app.openapi(enquiryStatusRoute, async (c) => {
    const { reference } = c.req.valid('param');
    const { token } = c.req.valid('query');
    const view = await getEnquiryStatus(deps.enquiries, reference, token);
    c.header('Cache-Control', 'no-store');
    return c.json(view, 200);
  });

  registerGovernanceRoutes(app, deps);
  registerStaffRoutes(app, { ...deps, verifier: deps.staffTokens });
  registerRecordsRoutes(app, { ...deps, verifier: deps.staffTokens });

  const documentConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Community Safety Partnership API',
      version: '1.0.0',
      description:
        'Public enquiries to the Community Safety Unit, and the partnership’s governance records. Staff routes need a staff ID token (Authorization: Bearer). Errors are RFC 9457 problem details.',
    },
  };
  app.doc31('/openapi.json', documentConfig);
  app.get('/docs', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(
      renderDocsPage(app.getOpenAPI31Document(documentConfig) as unknown as Record<string, unknown>),
    );
  });

  // API Gateway answers unknown paths and methods itself (see GATEWAY_PROBLEMS); this covers direct calls.
  app.notFound((c) =>
    sendProblem(
      c,
      problem('not-found', { detail: 'No such resource.', instance: new URL(c.req.url).pathname }),
    ),
  );

  app.onError((error, c) => {
    const instance = new URL(c.req.url).pathname;
    // Hono's own 4xx (e.g. a body its validator could not read) is the client's mistake, never a 500.
    if (error instanceof HTTPException && error.status < 500) {
      return sendProblem(
        c,
        problem('malformed-request', { detail: 'The request could not be read.', instance }),
      );
    }
    const known = problemForError(error, instance);
    if (known) return sendProblem(c, known, problemHeaders(known));
    // Never echo the error: it may describe internals. The correlation id ties the response to the log.
    c.get('log').error('Unhandled error', { error: safeError(error) });
    return sendProblem(
      c,
      problem('internal-error', { detail: `Quote correlation id ${c.get('correlationId')}.`, instance }),
    );
  });

  return app;
}

/** A correlation id for every request, a per-request child logger, and one access-log line with no query string. */
function requestContext(logger: Logger): MiddlewareHandler<Env> {
  return async (c, next) => {
    const supplied = c.req.header('x-correlation-id');
    const correlationId = supplied && /^[\w-]{1,64}$/.test(supplied) ? supplied : randomUUID();
    const log = logger.createChild({ persistentKeys: { correlationId } });
    c.set('correlationId', correlationId);
    c.set('log', log);
    const started = performance.now();
    await next();
    c.header('X-Correlation-Id', correlationId);
    // The route template, never the URL: the status token travels in the query string.
    log.info('Request completed', {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Math.round(performance.now() - started),
    });
  };
}

/** Largest body of a staff write (meeting minutes are the longest). */
export const MAX_STAFF_BODY_BYTES = 256 * 1024;

/**
 * Rejects non-JSON, oversized and unparseable bodies of every write before validation, each with its own
 * problem. A public enquiry must have a body; a staff write may have none (e.g. closing a motion).
 */
function jsonBodies(): MiddlewareHandler<Env> {
  // Built once, not per request: one limit for public enquiries, a larger one for staff writes.
  const limitTo = (maxBytes: number) =>
    bodyLimit({
      maxSize: maxBytes,
      onError: (limited) =>
        sendProblem(
          limited,
          problem('payload-too-large', { detail: `The body must be at most ${maxBytes} bytes.` }),
        ),
    });
  const enquiryLimit = limitTo(MAX_BODY_BYTES);
  const staffLimit = limitTo(MAX_STAFF_BODY_BYTES);
  return async (c, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(c.req.method)) return next();
    const isEnquiry = c.req.path === '/enquiries';
    const maxBytes = isEnquiry ? MAX_BODY_BYTES : MAX_STAFF_BODY_BYTES;
    const fail = (slug: ProblemSlug, detail: string) =>
      sendProblem(c, problem(slug, { detail, instance: c.req.path }));
    const hasBody =
      Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined;
    if (!hasBody && !isEnquiry) return next();
    const contentType = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(contentType.trim())) {
      return fail('unsupported-media-type', 'Send the body as Content-Type: application/json.');
    }
    const limit = isEnquiry ? enquiryLimit : staffLimit;
    return limit(c, async () => {
      const text = await c.req.text();
      if (Buffer.byteLength(text) > maxBytes) {
        c.res = fail('payload-too-large', `The body must be at most ${maxBytes} bytes.`);
        return;
      }
      try {
        JSON.parse(text);
      } catch {
        c.res = fail('malformed-request', 'The body is not valid JSON.');
        return;
      }
      await next();
    });
  };
}

function toNewEnquiry(body: z.infer<typeof NewEnquirySchema>) {
  return {
    category: body.category,
    description: body.description,
    contact: { name: body.name, email: body.email, phone: body.phone },
    location: body.location,
    happeningNow: body.happeningNow,
    safeContact: body.safeContact,
  };
}
