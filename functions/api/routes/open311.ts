/**
 * Open311 GeoReport v2 at `/open311/v2/`, in XML or JSON by extension, for council sites, FixMyStreet and 311
 * apps: discovery, services and their definitions, submitting a request with a client's API key (the same use
 * case, validation, storage, routing and emails as `POST /enquiries`), and the public, depersonalised feed of
 * requests. Errors on these paths are the spec's own documents, not problem+json. And the partnership admin's
 * routes that issue, list and revoke the clients' keys.
 */
import type { Context } from 'hono';
import * as z from 'zod/mini';
import { isServiceOutage } from '../../adapters/aws-outage.ts';
import type { CaseRepository } from '../../domain/casework-ports.ts';
import { CategoryRetired, UnknownCategory } from '../../domain/errors.ts';
import {
  authenticateOpen311Client,
  issueOpen311Client,
  type Open311ClientRepository,
  revokeOpen311Client,
} from '../../domain/open311-clients.ts';
import { offeredCategories } from '../../domain/partnership.ts';
import type {
  Clock,
  EnquiryRepository,
  EventPublisher,
  PersonalDataHasher,
  ReferenceDataRepository,
} from '../../domain/ports.ts';
import {
  listPublicRequests,
  PUBLIC_REQUESTS_DEFAULT_DAYS,
  type PublicRequestsQuery,
} from '../../domain/use-cases/public-requests.ts';
import { submitEnquiry } from '../../domain/use-cases/submit-enquiry.ts';
import { safeError } from '../../observability.ts';
import { ROUTES } from '../../topology.ts';
import { type ApiEnv, defineRoute, type RouteDefinition } from '../define-route.ts';
import { logSubmission, toNewEnquiry, urgentAdvice } from '../enquiry-intake.ts';
import type { GeoReportSample } from '../open311/examples.ts';
import type { Open311Element, Open311Error, renderOpen311 } from '../open311/format.ts';
import {
  enquiryBodyFromForm,
  formError,
  OPEN311_FORMATS,
  type Open311Format,
  serviceDefinitionOf,
  serviceOf,
  serviceRequestOf,
  splitExtension,
} from '../open311/georeport.ts';
import {
  GeoReportDocumentSchema,
  GeoReportErrorsSchema,
  GeoReportRequestsSchema,
  GeoReportServiceDefinitionSchema,
  GeoReportSubmittedSchema,
  GeoReportTokenSchema,
} from '../open311/schemas.ts';
import {
  documented,
  IdParam,
  jsonResponse,
  problemResponses,
  singleLineText,
  titled,
} from '../openapi-parts.ts';
import { NewEnquirySchema } from '../schemas.ts';

export interface Open311RouteDeps {
  readonly enquiries: EnquiryRepository;
  readonly cases: Pick<CaseRepository, 'listCases'>;
  readonly referenceData: Pick<ReferenceDataRepository, 'getCategory' | 'listCategories' | 'getPartnership'>;
  readonly open311Clients: Open311ClientRepository;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly personalData: PersonalDataHasher;
  readonly statusPageBaseUrl: string;
  readonly publicApiUrl: string;
}

/** Every GeoReport path starts so; the app leaves their bodies to these routes (forms, not JSON). */
export const OPEN311_PATH_PREFIX = '/open311/v2/';

/** The XML writer, loaded on the first GeoReport request: most containers never serve one. */
const rendering = () => import('../open311/format.ts');

const DAY_MS = 24 * 60 * 60 * 1000;

/** Largest form a client may post (the API's own enquiry body limit). */
const MAX_FORM_BYTES = 32 * 1024;

/** When our GeoReport endpoint last changed what it offers (discovery's changeset). */
export const OPEN311_CHANGESET = '2026-11-26T00:00:00Z';

/** GeoReport documents come as XML or JSON, by the file's extension. */
const GEOREPORT_MEDIA_TYPES = ['text/xml', 'application/json'] as const;

/** A GeoReport errors document, with its example. */
const georeportErrors = (description: string, sample: GeoReportSample) => ({
  description,
  contentType: GEOREPORT_MEDIA_TYPES,
  schema: GeoReportErrorsSchema(),
  sample,
});

/** GeoReport's own errors every endpoint may answer (built with the schemas, never at cold start). */
const georeportFailures = () => ({
  404: georeportErrors(
    'GeoReport errors document: no such document, or an extension other than .xml or .json',
    'notFound',
  ),
  500: georeportErrors('GeoReport errors document, with a correlation id to quote', 'failed'),
  503: georeportErrors(
    'GeoReport errors document: send the same request again after Retry-After seconds',
    'unavailable',
  ),
});

/**
 * The path parameter of a GeoReport file: documented only, never refused by validation, so that a bad name is
 * answered with GeoReport's own errors document rather than problem+json.
 */
const georeportFile = (name: string, example: string, description: string) =>
  z.object({ [name]: documented(z.string(), { description, examples: [example] }) });

/**
 * The feed's filters (`requests.{xml,json}` only): documented, never refused by validation, so that a bad
 * value is answered with GeoReport's own errors document.
 */
const GeoReportFeedQuery = () => {
  const filter = (description: string, example: string) =>
    z.optional(documented(z.string(), { description, examples: [example] }));
  return z.object({
    service_request_id: filter(
      'Comma-separated service_request_ids; the other filters are then ignored',
      'CSU-2026-000123',
    ),
    service_code: filter('Comma-separated service codes', 'anti-social-behaviour'),
    start_date: filter('ISO 8601; at most 90 days before end_date', '2026-10-01T00:00:00Z'),
    end_date: filter('ISO 8601; now by default', '2026-11-26T00:00:00Z'),
    status: filter('`open` or `closed`', 'open'),
  });
};

const documentation =
  (
    summary: string,
    description: string,
    params: () => z.ZodMiniObject,
    example: GeoReportSample,
    schema: () => z.ZodMiniType,
    query?: () => z.ZodMiniObject,
  ) =>
  () => ({
    summary,
    description,
    params: params(),
    ...(query ? { query: query() } : {}),
    responses: {
      200: {
        description: 'The document',
        contentType: GEOREPORT_MEDIA_TYPES,
        schema: schema(),
        sample: example,
      },
      400: georeportErrors('GeoReport errors document: a parameter is invalid', 'badRequest'),
      ...georeportFailures(),
    },
  });

/** The GeoReport routes and the client-key routes. */
export function open311Routes(deps: Open311RouteDeps): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.open311Document,
      documentation(
        'Open311 GeoReport v2: discovery, services or requests',
        '`discovery.{xml,json}`, `services.{xml,json}`, or `requests.{xml,json}` (the public feed: `service_request_id`, `service_code`, `start_date`, `end_date`, `status`; the last 90 days and at most 1,000 by default). Depersonalised: no description, contact or coordinates; sensitive services are never listed.',
        () =>
          georeportFile(
            'document',
            'services.json',
            '`discovery`, `services` or `requests`, then `.xml` or `.json`',
          ),
        'services',
        GeoReportDocumentSchema,
        GeoReportFeedQuery,
      ),
      (c) =>
        open311(c, c.req.param('document'), async (name, format) => {
          if (name === 'discovery') return ok(c, format, { root: 'discovery', element: discovery(deps) });
          if (name === 'services') {
            // A retired category is no longer a service: clients stop offering it.
            const categories = offeredCategories(await deps.referenceData.listCategories());
            return ok(
              c,
              format,
              { root: 'services', item: 'service', list: categories.map(serviceOf) },
              true,
            );
          }
          if (name === 'requests') return listRequests(c, format, deps);
          return notFound(c, format);
        }),
    ),
    defineRoute(
      ROUTES.open311Submit,
      () => ({
        summary: 'Open311 GeoReport v2: submit a request (`requests.{xml,json}`)',
        description:
          'Form-encoded as the spec says (`api_key`, `service_code`, `description`, `lat`/`long` or `address_string`, `email`, `first_name`, `last_name`, `phone`, `attribute[code]`). Needs an API key a partnership admin issued. Same validation, storage, routing and emails as POST /enquiries.',
        params: georeportFile('document', 'requests.json', '`requests.xml` or `requests.json`'),
        form: GeoReportFormSchema(),
        responses: {
          201: {
            description: 'service_request_id and service_notice',
            contentType: GEOREPORT_MEDIA_TYPES,
            schema: GeoReportSubmittedSchema(),
            sample: 'submitted' satisfies GeoReportSample,
          },
          400: georeportErrors('GeoReport errors document: a field is invalid', 'badRequest'),
          403: georeportErrors('GeoReport errors document: missing, unknown or revoked api_key', 'forbidden'),
          ...georeportFailures(),
        },
      }),
      (c) =>
        open311(c, c.req.param('document'), async (name, format) => {
          if (name !== 'requests') return notFound(c, format);
          return submitRequest(c, format, deps);
        }),
    ),
    defineRoute(
      ROUTES.open311Service,
      documentation(
        'Open311 GeoReport v2: a service definition (`services/{service_code}.{xml,json}`)',
        'The attributes every service takes beyond the spec’s fields: happening now, the safe-contact questions, the postcode.',
        () =>
          georeportFile(
            'serviceFile',
            'antisocial-behaviour.json',
            'The service_code, then `.xml` or `.json`',
          ),
        'serviceDefinition',
        GeoReportServiceDefinitionSchema,
      ),
      (c) =>
        open311(c, c.req.param('serviceFile'), async (code, format) => {
          const category = await deps.referenceData.getCategory(code);
          if (!category || category.retired) return notFound(c, format, `service_code ${code} not found`);
          return ok(c, format, { root: 'service_definition', element: serviceDefinitionOf(category) }, true);
        }),
    ),
    defineRoute(
      ROUTES.open311Request,
      documentation(
        'Open311 GeoReport v2: one request (`requests/{service_request_id}.{xml,json}`)',
        'Depersonalised, as in the feed; a request of a sensitive service is not found.',
        () =>
          georeportFile(
            'requestFile',
            'CSU-2026-000123.json',
            'The service_request_id, then `.xml` or `.json`',
          ),
        'requests',
        GeoReportRequestsSchema,
      ),
      (c) =>
        open311(c, c.req.param('requestFile'), async (reference, format) =>
          listRequests(c, format, deps, { references: [reference] }),
        ),
    ),
    defineRoute(
      ROUTES.open311Token,
      documentation(
        'Open311 GeoReport v2: a request id from a token (`tokens/{token}.{xml,json}`)',
        'Never needed here: POST requests answers with the service_request_id itself, so no token is ever issued and every token is not found.',
        () => georeportFile('tokenFile', '5b1d4c6e.json', 'The token, then `.xml` or `.json`'),
        // The spec's answer to a token is the request's id (this API never issues one, so it is always a 404).
        'token',
        GeoReportTokenSchema,
      ),
      (c) =>
        open311(c, c.req.param('tokenFile'), async (_, format) =>
          notFound(c, format, 'No such token: POST requests returns service_request_id directly'),
        ),
    ),
    defineRoute(
      ROUTES.listOpen311Clients,
      () => ({
        summary: 'List the Open311 clients and whether their keys are revoked',
        responses: { 200: jsonResponse('Clients', Open311ClientListSchema()), ...problemResponses(401, 403) },
      }),
      async (c) => c.json({ clients: await deps.open311Clients.list() }, 200),
    ),
    defineRoute(
      ROUTES.issueOpen311Client,
      () => ({
        summary: 'Issue an API key to a new Open311 client (shown once, stored only as a hash)',
        body: z.strictObject({ name: singleLineText(100) }),
        responses: {
          201: jsonResponse(
            'The client and its key: keep the key now, it cannot be shown again',
            IssuedSchema(),
          ),
          ...problemResponses(401, 403, 422),
        },
      }),
      async (c, { body }) => {
        const { client, apiKey } = await issueOpen311Client(
          { clients: deps.open311Clients, clock: deps.clock },
          body.name,
        );
        c.var.log.info('Open311 client issued', { clientId: client.id });
        return c.json({ ...client, apiKey }, 201);
      },
    ),
    defineRoute(
      ROUTES.revokeOpen311Client,
      () => ({
        summary: 'Revoke an Open311 client’s key at once',
        params: IdParam(),
        responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 403, 404, 422) },
      }),
      async (c, { params }) => {
        await revokeOpen311Client({ clients: deps.open311Clients, clock: deps.clock }, params.id);
        c.var.log.info('Open311 client revoked', { clientId: params.id });
        return c.body(null, 204);
      },
    ),
  ];
}

/** A yes/no GeoReport attribute. */
const yesNo = (description: string) => z.optional(documented(z.enum(['yes', 'no']), { description }));

/** The form a GeoReport client posts, as the spec and FixMyStreet send it. */
const GeoReportFormSchema = () =>
  titled(
    'GeoReportRequestForm',
    z.object({
      api_key: documented(z.string(), { description: 'The key a partnership admin issued to your client' }),
      service_code: documented(z.string(), {
        description: 'A service_code from services.{xml,json}',
        examples: ['anti-social-behaviour'],
      }),
      description: documented(z.string(), { description: 'What is happening, in the enquirer’s words' }),
      jurisdiction_id: z.optional(
        documented(z.string(), { description: 'Ignored: one jurisdiction per API' }),
      ),
      lat: z.optional(
        documented(z.string(), { description: 'Latitude, WGS84 degrees', examples: ['51.1465'] }),
      ),
      long: z.optional(
        documented(z.string(), { description: 'Longitude, WGS84 degrees', examples: ['0.875'] }),
      ),
      address_string: z.optional(documented(z.string(), { examples: ['1 High Street, Ashford'] })),
      email: z.optional(z.string()),
      first_name: z.optional(documented(z.string(), { examples: ['Sam'] })),
      last_name: z.optional(documented(z.string(), { examples: ['Taylor'] })),
      phone: z.optional(z.string()),
      'attribute[happening_now]': yesNo('It is happening now (the answer carries urgent advice)'),
      'attribute[may_email]': yesNo('It is safe to email the enquirer'),
      'attribute[may_phone]': yesNo('It is safe to phone the enquirer'),
      'attribute[may_leave_voicemail]': yesNo('A message may be left on that phone'),
      'attribute[safe_times]': z.optional(documented(z.string(), { examples: ['Weekdays, 9am to noon'] })),
      'attribute[preferred_language]': z.optional(documented(z.string(), { examples: ['English'] })),
      'attribute[postcode]': z.optional(documented(z.string(), { examples: ['TN23 1PL'] })),
    }),
  );

const Open311ClientSchema = () =>
  z.object({ id: z.string(), name: z.string(), createdAt: z.string(), revokedAt: z.optional(z.string()) });
const Open311ClientListSchema = () =>
  titled('Open311ClientList', z.object({ clients: z.array(Open311ClientSchema()) }));
const IssuedSchema = () =>
  titled('IssuedOpen311Client', z.extend(Open311ClientSchema(), { apiKey: z.string() }));

type Ctx = Context<ApiEnv>;

/**
 * Runs a GeoReport handler for `file` (`name.xml` or `name.json`), answering every failure in the spec's error
 * format: an unknown extension is a 404, an outage a 503 with Retry-After, anything else a 500 with the
 * correlation id (logged without the error's message).
 */
async function open311(
  c: Ctx,
  file: string | undefined,
  handle: (name: string, format: Open311Format) => Promise<Response>,
): Promise<Response> {
  const split = splitExtension(file ?? '');
  if (!split) return errors(c, 'xml', 404, [{ code: 404, description: 'Ask for a .xml or .json document' }]);
  try {
    return await handle(split.name, split.format);
  } catch (error) {
    if (isServiceOutage(error)) {
      c.var.log.warn('A service is unavailable', { error: safeError(error) });
      c.header('Retry-After', '5');
      return errors(c, split.format, 503, [
        { code: 503, description: 'Temporarily unavailable; send the same request again in a few seconds' },
      ]);
    }
    c.var.log.error('Unhandled error', { error: safeError(error) });
    return errors(c, split.format, 500, [
      { code: 500, description: `Internal error; quote correlation id ${c.var.correlationId}` },
    ]);
  }
}

async function ok(
  c: Ctx,
  format: Open311Format,
  document: Parameters<typeof renderOpen311>[1],
  cacheable = false,
  status: 200 | 201 = 200,
): Promise<Response> {
  const { renderOpen311 } = await rendering();
  if (cacheable) c.header('Cache-Control', 'public, max-age=60');
  return c.body(renderOpen311(format, document), status, { 'Content-Type': OPEN311_FORMATS[format] });
}

async function errors(
  c: Ctx,
  format: Open311Format,
  status: 400 | 403 | 404 | 500 | 503,
  list: Open311Error[],
): Promise<Response> {
  const { renderOpen311Errors } = await rendering();
  return c.body(renderOpen311Errors(format, list), status, { 'Content-Type': OPEN311_FORMATS[format] });
}

/** A GeoReport 404 for a path under the prefix that no route serves (XML unless it asks for .json). */
export function open311NotFound(c: Ctx): Promise<Response> {
  return notFound(c, c.req.path.endsWith('.json') ? 'json' : 'xml');
}

function notFound(c: Ctx, format: Open311Format, description = 'No such document'): Promise<Response> {
  return errors(c, format, 404, [{ code: 404, description }]);
}

function discovery(deps: Pick<Open311RouteDeps, 'publicApiUrl'>): Open311Element {
  return {
    changeset: OPEN311_CHANGESET,
    contact: 'Ask the Community Safety Unit (see GET /partnership) for help or an API key.',
    key_service: 'API keys are issued by the partnership’s administrators on request.',
    endpoints: {
      endpoint: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${deps.publicApiUrl}/open311/v2`,
          changeset: OPEN311_CHANGESET,
          type: 'production',
          formats: { format: ['text/xml', 'application/json'] },
        },
      ],
    },
  };
}

async function listRequests(
  c: Ctx,
  format: Open311Format,
  deps: Open311RouteDeps,
  only?: { references: string[] },
): Promise<Response> {
  const query = only ?? requestsQuery(c.req.query(), new Date(deps.clock()));
  if ('errors' in query) return errors(c, format, 400, query.errors);
  const requests = await listPublicRequests(deps, query);
  if (only && requests.length === 0) {
    return notFound(c, format, `service_request_id ${only.references[0]} not found`);
  }
  const categories = await deps.referenceData.listCategories();
  const titles = new Map(categories.map((category) => [category.code, category.title]));
  return ok(c, format, {
    root: 'service_requests',
    item: 'request',
    list: requests.map((request) =>
      serviceRequestOf(request, titles.get(request.category) ?? request.category),
    ),
  });
}

/** GET requests' parameters as a query, or the spec's errors. */
function requestsQuery(
  params: Record<string, string>,
  now: Date,
): PublicRequestsQuery | { errors: Open311Error[] } {
  const ids = params['service_request_id']?.trim();
  if (ids) return { references: list(ids) };
  const problems: Open311Error[] = [];
  const instant = (name: string): string | undefined => {
    const value = params[name]?.trim();
    if (!value) return undefined;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
      problems.push({ code: 400, description: `${name} must be a W3C datetime, e.g. 2026-11-01T00:00:00Z` });
      return undefined;
    }
    return new Date(parsed).toISOString();
  };
  const end = instant('end_date') ?? now.toISOString();
  const start =
    instant('start_date') ?? new Date(Date.parse(end) - PUBLIC_REQUESTS_DEFAULT_DAYS * DAY_MS).toISOString();
  const statuses = new Set(list(params['status']));
  if ([...statuses].some((status) => status !== 'open' && status !== 'closed')) {
    problems.push({ code: 400, description: 'status must be open, closed, or both separated by a comma' });
  }
  if (problems.length === 0 && start > end) {
    problems.push({ code: 400, description: 'start_date must be before end_date' });
  }
  if (problems.length === 0 && Date.parse(end) - Date.parse(start) > PUBLIC_REQUESTS_DEFAULT_DAYS * DAY_MS) {
    problems.push({
      code: 400,
      description: `start_date and end_date may be at most ${PUBLIC_REQUESTS_DEFAULT_DAYS} days apart`,
    });
  }
  if (problems.length > 0) return { errors: problems };
  const categories = list(params['service_code']);
  return {
    from: start,
    to: end,
    ...(categories.length > 0 ? { categories } : {}),
    // Both, like neither, means every request.
    ...(statuses.size === 1 ? { open: statuses.has('open') } : {}),
  };
}

/** `a, b,,c` → `['a', 'b', 'c']`: the spec's comma-separated lists. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

async function submitRequest(c: Ctx, format: Open311Format, deps: Open311RouteDeps): Promise<Response> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return errors(c, format, 400, [
      { code: 400, description: 'Send the request as application/x-www-form-urlencoded' },
    ]);
  }
  const tooLarge = () =>
    errors(c, format, 400, [{ code: 400, description: `The form must be at most ${MAX_FORM_BYTES} bytes` }]);
  if (Number(c.req.header('content-length') ?? 0) > MAX_FORM_BYTES) return tooLarge();
  const text = await c.req.text();
  if (Buffer.byteLength(text) > MAX_FORM_BYTES) return tooLarge();
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) form[name] ??= value;

  const client = await authenticateOpen311Client(deps.open311Clients, form['api_key']);
  if (!client) {
    return errors(c, format, 403, [
      { code: 403, description: 'Invalid api_key: ask the partnership for one' },
    ]);
  }
  const partnership = await deps.referenceData.getPartnership();
  const jurisdiction = form['jurisdiction_id']?.trim();
  if (jurisdiction && jurisdiction !== partnership?.id) {
    return notFound(c, format, `jurisdiction_id ${jurisdiction} not found`);
  }
  const mapped = enquiryBodyFromForm(form);
  if ('errors' in mapped) return errors(c, format, 400, mapped.errors);
  const parsed = NewEnquirySchema().safeParse(mapped.body);
  if (!parsed.success) {
    return errors(
      c,
      format,
      400,
      parsed.error.issues.map((issue) => formError(issue.path.map(String).join('.'), issue.message)),
    );
  }
  let result: Awaited<ReturnType<typeof submitEnquiry>>;
  try {
    result = await submitEnquiry(deps, {
      enquiry: {
        ...toNewEnquiry(parsed.data),
        source: { channel: 'open311', clientId: client.id, clientName: client.name },
      },
    });
  } catch (error) {
    if (error instanceof CategoryRetired) {
      return errors(c, format, 400, [
        { code: 400, description: `service_code ${error.category} (${error.title}) is no longer offered` },
      ]);
    }
    if (!(error instanceof UnknownCategory)) throw error;
    return errors(c, format, 400, [
      { code: 400, description: `service_code ${error.category} is not a service here` },
    ]);
  }
  const { enquiry } = result;
  logSubmission(c.var.log, result, { channel: 'open311', clientId: client.id });
  const notice = [
    'Received by the Community Safety Unit, which will pass it to the agencies who can help.',
    ...(enquiry.happeningNow && partnership ? [urgentAdvice(partnership).message] : []),
  ].join(' ');
  return ok(
    c,
    format,
    {
      root: 'service_requests',
      item: 'request',
      list: [{ service_request_id: enquiry.reference, service_notice: notice, account_id: null }],
    },
    false,
    201,
  );
}
