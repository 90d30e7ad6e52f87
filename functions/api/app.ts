import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { Hono } from 'hono/tiny';
import { isServiceOutage } from '../adapters/aws-outage.ts';
import type { AuditTrail } from '../domain/audit.ts';
import type { CaseRepository } from '../domain/casework-ports.ts';
import type { DirectoryRepository } from '../domain/directory.ts';
import type { GovernanceRepository } from '../domain/governance-ports.ts';
import type { Open311ClientRepository } from '../domain/open311-clients.ts';
import type {
  Clock,
  EnquiryRepository,
  EventPublisher,
  PersonalDataHasher,
  ReferenceDataRepository,
} from '../domain/ports.ts';
import type { RecordsRepository } from '../domain/records.ts';
import type { StaffTokenVerifier } from '../domain/staff.ts';
import type { StatisticsStore } from '../domain/statistics.ts';
import { safeError } from '../observability.ts';
import { API_CORS, ROUTES } from '../topology.ts';
import type { ApiEnv, RouteDefinition } from './define-route.ts';
import { requestLog, securityHeaders } from './http-middleware.ts';
import { type ProblemSlug, problem, problemForError, sendProblem } from './problem.ts';
import { actionPlanRoutes } from './routes/action-plan.ts';
import { agencyRoutes } from './routes/agencies.ts';
import { assessmentRoutes } from './routes/assessments.ts';
import { caseRoutes } from './routes/cases.ts';
import { categoryRoutes } from './routes/categories.ts';
import { chairRoutes } from './routes/chair.ts';
import { dataProtectionRoutes } from './routes/data-protection.ts';
import { documentRoutes } from './routes/documents.ts';
import { enquiryRoutes } from './routes/enquiries.ts';
import { enquiryStatusRoutes } from './routes/enquiry-status.ts';
import { meetingRoutes } from './routes/meetings.ts';
import { motionRoutes } from './routes/motions.ts';
import { OPEN311_PATH_PREFIX, open311NotFound, open311Routes } from './routes/open311.ts';
import { organisationRoutes } from './routes/organisations.ts';
import { partnerRoutes } from './routes/partners.ts';
import { partnershipRoutes } from './routes/partnership.ts';
import { priorityRoutes } from './routes/priorities.ts';
import { routingRoutes } from './routes/routing.ts';
import { statisticsRoutes } from './routes/statistics.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Largest accepted body of a public enquiry. A full enquiry with a 4,000-character description is well under it. */
export const MAX_BODY_BYTES = 32 * 1024;

/** Largest body of a staff write (meeting minutes are the longest). */
export const MAX_STAFF_BODY_BYTES = 256 * 1024;

/** Everything the API needs, built once by the Lambda's composition root. */
export interface ApiDeps {
  readonly enquiries: EnquiryRepository;
  /** Enquiries as cases staff work. */
  readonly cases: CaseRepository;
  /** The table's reference data, read as stored (staff read and change the routing table through it). */
  readonly referenceData: ReferenceDataRepository;
  /** The same data through a module-scope cache, for public routes (categories, the status page). */
  readonly cachedReferenceData: Pick<
    ReferenceDataRepository,
    'getCategory' | 'listCategories' | 'getPartnership'
  >;
  readonly governance: GovernanceRepository;
  /** The directory as stored, for its changes: profile, organisations, agencies, categories. */
  readonly directory: DirectoryRepository;
  readonly records: RecordsRepository;
  /** Monthly counters of the open data. */
  readonly statistics: StatisticsStore;
  /** The Open311 clients allowed to submit, by the hash of their API key. */
  readonly open311Clients: Open311ClientRepository;
  /** Keyed hashes of personal data (acknowledgements are counted, and a person's enquiries found, by them). */
  readonly personalData: PersonalDataHasher;
  /** The audit trail of reads and changes, for partnership admins. */
  readonly audit: AuditTrail;
  /** Verifies staff bearer tokens for the staff routes. */
  readonly staffTokens: StaffTokenVerifier;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Base of the API's own links, e.g. `https://abc.execute-api.eu-west-2.amazonaws.com/prod`. */
  readonly publicApiUrl: string;
  /** Base of the enquirer's status links (the API's URL, or a council's own site). */
  readonly statusPageBaseUrl: string;
  /** Origins allowed by CORS (the council website). */
  readonly allowedOrigins: readonly string[];
}

/** Every route of the API, from its resource's module. */
export function apiRoutes(deps: ApiDeps): RouteDefinition[] {
  return [
    ...categoryRoutes({ ...deps, referenceData: deps.cachedReferenceData }),
    ...organisationRoutes(deps),
    ...agencyRoutes(deps),
    ...documentRoutes(deps),
    ...enquiryRoutes({ ...deps, referenceData: deps.cachedReferenceData }),
    ...enquiryStatusRoutes({ ...deps, referenceData: deps.cachedReferenceData }),
    ...caseRoutes(deps),
    ...dataProtectionRoutes(deps),
    ...partnershipRoutes(deps),
    ...partnerRoutes(deps),
    ...chairRoutes(deps),
    ...priorityRoutes(deps),
    ...motionRoutes(deps),
    ...routingRoutes(deps),
    ...assessmentRoutes(deps),
    ...actionPlanRoutes(deps),
    ...meetingRoutes(deps),
    ...open311Routes({ ...deps, referenceData: deps.cachedReferenceData }),
    ...statisticsRoutes(deps),
  ];
}

/** Builds the API. */
export function createApi(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use('*', securityHeaders());
  app.use('*', requestLog(deps.logger));
  app.use('*', async (c, next) => {
    c.set('staffTokens', deps.staffTokens);
    await next();
  });
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

  const routes = apiRoutes(deps);
  for (const route of routes) route.register(app);

  // API Gateway answers unknown paths and methods itself (see GATEWAY_PROBLEMS); this covers direct calls.
  app.notFound((c) =>
    // Under the GeoReport prefix even a path we do not serve is answered in the spec's format.
    c.req.path.startsWith(OPEN311_PATH_PREFIX)
      ? open311NotFound(c)
      : sendProblem(
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
    if (known) return sendProblem(c, known);
    // The database or the bus is out or throttling. Every change is one conditional call or transaction (or,
    // like erasure, safe to redo), so the client may send the same request again.
    if (isServiceOutage(error)) {
      c.var.log.warn('A service is unavailable', { error: safeError(error) });
      return sendProblem(
        c,
        problem('service-unavailable', {
          detail: `Send the same request again in a few seconds; quote correlation id ${c.var.correlationId} if it persists.`,
          instance,
        }),
      );
    }
    // Never echo the error: it may describe internals. The correlation id ties the response to the log.
    c.var.log.error('Unhandled error', { error: safeError(error) });
    return sendProblem(
      c,
      problem('internal-error', { detail: `Quote correlation id ${c.var.correlationId}.`, instance }),
    );
  });

  return app;
}

/**
 * Rejects non-JSON, oversized and unparseable bodies of every write before validation, each with its own
 * problem. A public enquiry must have a body; a staff write may have none (e.g. closing a motion).
 */
function jsonBodies(): MiddlewareHandler<ApiEnv> {
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
    // GeoReport submissions are forms, read and limited by their route, which answers in the spec's format.
    if (c.req.path.startsWith(OPEN311_PATH_PREFIX)) return next();
    const isEnquiry = c.req.path === ROUTES.submitEnquiry.path;
    const maxBytes = isEnquiry ? MAX_BODY_BYTES : MAX_STAFF_BODY_BYTES;
    const fail = (slug: ProblemSlug, detail: string) =>
      sendProblem(c, problem(slug, { detail, instance: c.req.path }));
    // Without Content-Length (HTTP/2 clients may send none), a body is there if the request carries one.
    const declaredLength = c.req.header('content-length');
    const hasBody =
      declaredLength !== undefined
        ? Number(declaredLength) > 0
        : c.req.header('transfer-encoding') !== undefined || c.req.raw.body !== null;
    if (!hasBody && !isEnquiry) return next();
    const contentType = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(contentType.trim())) {
      return fail('unsupported-media-type', 'Send the body as Content-Type: application/json.');
    }
    const limit = isEnquiry ? enquiryLimit : staffLimit;
    return limit(c, async () => {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.byteLength > maxBytes) {
        c.res = fail('payload-too-large', `The body must be at most ${maxBytes} bytes.`);
        return;
      }
      let text: string;
      try {
        // Fatal: a lenient decoder would turn bytes that are not UTF-8 into U+FFFD and store them. API Gateway
        // hands text bodies over already decoded, its own way: there the replacement character is the sign.
        text = utf8.decode(bytes);
        if (text.includes('\ufffd')) throw new TypeError('replacement character');
      } catch {
        c.res = fail('malformed-request', 'The body is not valid UTF-8.');
        return;
      }
      try {
        c.set('jsonBody', JSON.parse(text));
      } catch {
        c.res = fail('malformed-request', 'The body is not valid JSON.');
        return;
      }
      await next();
    });
  };
}
