/**
 * RFC 9457 problem details, and the one place that maps errors to HTTP statuses. Unknown errors become a
 * generic 500 whose details go to the log only.
 */
import type { Context } from 'hono';
import {
  CaseActionRefused,
  CategoryRetired,
  DomainError,
  EnquiryNotFound,
  type FieldViolation,
  IdempotencyKeyInUse,
  IdempotencyKeyReused,
  NoChairRecorded,
  NotAuthenticated,
  NotPermitted,
  PreconditionRequired,
  RecordConflict,
  RecordNotFound,
  StaleVersion,
  UnknownCategory,
  ValidationFailed,
  VoteRefused,
} from '../domain/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A problem document. `errors` lists the offending fields, when there are any. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly FieldViolation[];
  /** What is possible instead (e.g. the transitions a case allows from where it is). */
  readonly allowed?: readonly string[];
}

/** Problem types this API returns, by slug. The `type` URI is `urn:csp:problem:<slug>`. */
export const PROBLEM_TYPES = {
  'malformed-request': { status: 400, title: 'The request could not be read' },
  'validation-failed': { status: 422, title: 'The request has invalid fields' },
  'unknown-category': { status: 422, title: 'Unknown enquiry category' },
  'category-retired': { status: 422, title: 'The enquiry category is no longer offered' },
  'record-conflict': { status: 409, title: 'The records as they stand do not allow this' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency-Key reused with a different request' },
  'not-found': { status: 404, title: 'Not found' },
  'not-authenticated': { status: 401, title: 'A valid staff token is required' },
  'not-permitted': { status: 403, title: 'Your role does not allow this' },
  'no-voting-rights': { status: 403, title: 'Only statutory partners may vote' },
  'already-voted': { status: 409, title: 'Your organisation has already voted on this motion' },
  'motion-closed': { status: 409, title: 'The motion is closed' },
  'case-action-refused': { status: 409, title: 'The enquiry does not allow this now' },
  'stale-version': { status: 412, title: 'The record has changed since you read it' },
  'precondition-required': { status: 428, title: 'Send If-Match with the ETag you read' },
  'idempotency-key-in-use': { status: 409, title: 'A request with this Idempotency-Key is in progress' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'request-blocked': { status: 403, title: 'Request blocked' },
  'internal-error': { status: 500, title: 'Something went wrong on our side' },
  'service-unavailable': { status: 503, title: 'A service we depend on is unavailable; try again shortly' },
} as const;

/** Seconds a client should wait before retrying after a 503: long enough for the SDK's own retries to clear. */
export const RETRY_AFTER_OUTAGE_SECONDS = 5;
export type ProblemSlug = keyof typeof PROBLEM_TYPES;

/** Answers with `body` as `application/problem+json`, with the headers its status needs. */
export function sendProblem(c: Context, body: Problem): Response {
  return c.body(JSON.stringify(body), body.status as 400, {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    ...problemHeaders(body),
  });
}

/** Builds the problem document of `slug`. */
export function problem(
  slug: ProblemSlug,
  options: {
    detail?: string;
    instance?: string;
    errors?: readonly FieldViolation[];
    allowed?: readonly string[];
  } = {},
): Problem {
  const { status, title } = PROBLEM_TYPES[slug];
  return { type: `urn:csp:problem:${slug}`, title, status, ...options };
}

/**
 * Maps an error thrown by a use case to a problem. Returns `undefined` for errors that are not ours, which
 * the caller logs and answers with `internal-error`.
 */
export function problemForError(error: unknown, instance: string): Problem | undefined {
  if (!(error instanceof DomainError)) return undefined;
  if (error instanceof ValidationFailed) {
    return problem('validation-failed', {
      detail: 'One or more fields are invalid; see errors.',
      instance,
      errors: error.violations,
    });
  }
  if (error instanceof UnknownCategory) {
    return problem('unknown-category', {
      detail: 'category is not one of GET /enquiry-categories.',
      instance,
      errors: [{ field: 'category', message: 'Not a category this partnership offers' }],
    });
  }
  if (error instanceof CategoryRetired) {
    return problem('category-retired', {
      detail: `${error.title} (${error.category}) is no longer offered; choose one of GET /enquiry-categories.`,
      instance,
      errors: [{ field: 'category', message: `${error.category} is retired` }],
    });
  }
  if (error instanceof RecordConflict) {
    return problem('record-conflict', { detail: error.detail, instance, errors: error.violations });
  }
  if (error instanceof NotAuthenticated) {
    return problem('not-authenticated', { detail: 'Send Authorization: Bearer <staff ID token>.', instance });
  }
  if (error instanceof NotPermitted) {
    return problem('not-permitted', {
      detail: `This needs one of: ${error.requiredRoles.join(', ')}.`,
      instance,
    });
  }
  if (error instanceof PreconditionRequired) {
    return problem('precondition-required', {
      detail: 'Read the record, then send its ETag in If-Match.',
      instance,
      errors: [{ field: 'If-Match', message: 'is required' }],
    });
  }
  if (error instanceof StaleVersion) {
    return problem('stale-version', {
      detail: 'Read it again for the current ETag, then retry.',
      instance,
    });
  }
  if (error instanceof VoteRefused) {
    return problem(error.refusal, { instance });
  }
  if (error instanceof CaseActionRefused) {
    return problem('case-action-refused', {
      detail: error.allowed
        ? `${error.reason} Allowed: ${error.allowed.join(', ') || 'none'}.`
        : error.reason,
      instance,
      ...(error.allowed ? { allowed: error.allowed } : {}),
    });
  }
  if (error instanceof RecordNotFound) {
    return problem('not-found', { detail: `${error.what} does not exist.`, instance });
  }
  if (error instanceof NoChairRecorded) {
    return problem('not-found', { detail: 'No chair term is recorded for today yet.', instance });
  }
  if (error instanceof EnquiryNotFound) {
    return problem('not-found', { detail: 'No enquiry with this reference is visible to you.', instance });
  }
  if (error instanceof IdempotencyKeyInUse) {
    return problem('idempotency-key-in-use', { detail: 'Retry the same request in a second.', instance });
  }
  if (error instanceof IdempotencyKeyReused) {
    return problem('idempotency-key-reused', {
      detail: 'Send a new Idempotency-Key for a new enquiry, or resend the original body to retry.',
      instance,
      errors: [{ field: 'Idempotency-Key', message: error.message }],
    });
  }
  return undefined;
}

/**
 * Errors API Gateway answers itself, without calling the function, by its gateway response type. The CDK stack
 * configures these responses and the local API gateway answers with the same documents.
 */
export const GATEWAY_PROBLEMS = {
  // A REST API answers an unknown path or method with this type.
  MISSING_AUTHENTICATION_TOKEN: { slug: 'not-found', detail: 'No such resource.' },
  // The Cognito authorizer of a staff route refused the token (missing, expired, not ours).
  UNAUTHORIZED: { slug: 'not-authenticated', detail: 'Send Authorization: Bearer <staff ID token>.' },
  ACCESS_DENIED: { slug: 'not-permitted', detail: 'This token may not call this route.' },
  RESOURCE_NOT_FOUND: { slug: 'not-found', detail: 'No such resource.' },
  THROTTLED: { slug: 'too-many-requests', detail: 'Too many requests; retry after a short wait.' },
  QUOTA_EXCEEDED: { slug: 'too-many-requests', detail: 'Too many requests; retry after a short wait.' },
  WAF_FILTERED: { slug: 'request-blocked', detail: 'The request was blocked by the firewall.' },
  REQUEST_TOO_LARGE: { slug: 'payload-too-large', detail: 'The request body is too large.' },
  // Covers several statuses, so API Gateway keeps its own status and the body names none.
  DEFAULT_4XX: { slug: 'malformed-request', detail: 'The request could not be processed.' },
  DEFAULT_5XX: { slug: 'internal-error', detail: 'Please try again later.' },
} as const satisfies Record<string, { slug: ProblemSlug; detail: string }>;
export type GatewayResponseType = keyof typeof GATEWAY_PROBLEMS;

/**
 * The security headers of the functions' responses (functions/api/http-middleware.ts), on what API Gateway
 * answers itself (its errors and the CORS preflights): no MIME sniffing, HTTPS only, never framed, no referrer,
 * nothing loaded, never cached. The CDK stack sets them on its gateway responses; the local API Gateway stand-in
 * sends them on its own answers. The Content-Security-Policy spells 'none' as an empty source list, which CSP
 * defines as the same thing: API Gateway reads a static header value between single quotes, so the value
 * cannot hold quotes of its own.
 */
export const GATEWAY_SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': 'default-src; frame-ancestors',
  'Cache-Control': 'no-store',
} as const;

/**
 * The status, problem document and extra headers API Gateway sends for `type`; `status` is undefined for
 * DEFAULT_4XX.
 */
export function gatewayProblem(type: GatewayResponseType): {
  status?: number;
  body: Partial<Problem>;
  headers: Record<string, string>;
} {
  const { slug, detail } = GATEWAY_PROBLEMS[type];
  const body = problem(slug, { detail });
  if (type === 'DEFAULT_4XX') return { body: { ...body, status: undefined }, headers: {} };
  return { status: body.status, body, headers: problemHeaders(body) };
}

/** Response headers a problem needs besides its body. */
export function problemHeaders(body: Problem): Record<string, string> {
  if (body.status === 401) return { 'WWW-Authenticate': 'Bearer' };
  if (body.type.endsWith(':idempotency-key-in-use')) return { 'Retry-After': '1' };
  if (body.status === 503) return { 'Retry-After': String(RETRY_AFTER_OUTAGE_SECONDS) };
  return {};
}
