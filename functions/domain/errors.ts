/**
 * Named domain errors. The API's single error mapper (`functions/api/problem.ts`) turns each into a status
 * code; anything not listed here is an unexpected failure and becomes a generic 500.
 */

/** One field that failed validation, by its JSON path in the request (e.g. `location.postcode`). */
export interface FieldViolation {
  readonly field: string;
  readonly message: string;
}

/** Base class so callers can tell our errors from library and runtime ones. */
export abstract class DomainError extends Error {
  protected constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request was well-formed JSON but one or more fields break the rules. */
export class ValidationFailed extends DomainError {
  constructor(
    readonly violations: readonly FieldViolation[],
    options?: ErrorOptions,
  ) {
    super(`Invalid request: ${violations.map((v) => v.field).join(', ')}`, options);
  }
}

/** The enquiry names a category the partnership does not offer. */
export class UnknownCategory extends DomainError {
  constructor(readonly category: string) {
    super(`Unknown enquiry category: ${category}`);
  }
}

/** The enquiry names a category the partnership has retired: old enquiries keep it, new ones cannot use it. */
export class CategoryRetired extends DomainError {
  constructor(
    readonly category: string,
    readonly title: string,
  ) {
    super(`Enquiry category retired: ${category}`);
  }
}

/**
 * A change the stored records do not allow as they stand: a record that already exists, an agency still named
 * by routing rules, a membership that would overlap another. `errors` names the fields and what is in the way.
 */
export class RecordConflict extends DomainError {
  constructor(
    readonly detail: string,
    readonly violations: readonly FieldViolation[] = [],
  ) {
    super(detail);
  }
}

/** No enquiry with that reference, or the token does not match: deliberately indistinguishable. */
export class EnquiryNotFound extends DomainError {
  constructor(readonly reference: string) {
    super(`Enquiry ${reference} not found`);
  }
}

/** No valid staff token came with a request that needs one. */
export class NotAuthenticated extends DomainError {
  constructor(readonly reason: string) {
    super(`Not authenticated: ${reason}`);
  }
}

/** The caller is authenticated but their role does not allow this. */
export class NotPermitted extends DomainError {
  constructor(readonly requiredRoles: readonly string[]) {
    super(`This needs one of the roles: ${requiredRoles.join(', ')}`);
  }
}

/** A conditional update named a version (If-Match) that is no longer current. */
export class StaleVersion extends DomainError {
  constructor() {
    super('The record has changed since it was read');
  }
}

/** A conditional update came without If-Match: the caller must say which version they read. */
export class PreconditionRequired extends DomainError {
  constructor() {
    super('If-Match is required');
  }
}

/** A vote the rules refuse: no voting rights, a second vote, or a closed motion. */
export class VoteRefused extends DomainError {
  constructor(readonly refusal: 'no-voting-rights' | 'already-voted' | 'motion-closed') {
    super(`Vote refused: ${refusal}`);
  }
}

/** A record the request names does not exist. */
export class RecordNotFound extends DomainError {
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/**
 * A casework action the case's state does not allow (an illegal transition, accepting a declined referral…).
 * `allowed` lists what is possible instead, when there is such a list.
 */
export class CaseActionRefused extends DomainError {
  constructor(
    readonly reason: string,
    readonly allowed?: readonly string[],
  ) {
    super(reason);
  }
}

/** No chair term is recorded for the day asked about (the rotation has not run since it began). */
export class NoChairRecorded extends DomainError {
  constructor(readonly on: string) {
    super(`No chair term is recorded for ${on}`);
  }
}

/** An Idempotency-Key was sent again with a different request body. */
export class IdempotencyKeyReused extends DomainError {
  constructor() {
    super('This Idempotency-Key was already used with a different request body');
  }
}

/** Reference data the system cannot run without is missing (e.g. the partnership record was never seeded). */
export class ReferenceDataMissing extends DomainError {
  constructor(readonly what: string) {
    super(`Reference data missing: ${what}`);
  }
}

/**
 * The mail provider answered and did not accept the email, so it was certainly not sent and may be retried.
 * Carries the provider's error name only: provider messages can quote addresses.
 */
export class EmailNotAccepted extends DomainError {
  constructor(readonly providerError: string) {
    super(`The mail provider did not accept the email (${providerError})`);
  }
}

/** EventBridge refused some events; `failures` holds their error codes, never their content. */
export class EventsNotPublished extends DomainError {
  constructor(readonly failures: readonly { detailType: string; errorCode?: string }[]) {
    super(`EventBridge refused ${failures.length} event(s): ${failures.map((f) => f.errorCode).join(', ')}`);
  }
}

/** A request with the same Idempotency-Key is still being processed; the client should retry shortly. */
export class IdempotencyKeyInUse extends DomainError {
  constructor() {
    super('A request with this Idempotency-Key is in progress');
  }
}

/** Another worker holds the send lease for this email; retry later rather than risk a duplicate. */
/**
 * The provider accepted an email but recording it as sent kept failing until its lease ran out: a retry may
 * send it again. The one window in which at-least-once delivery can double an email (docs/delivery.md).
 */
export class EmailSentNotRecorded extends DomainError {
  constructor(
    readonly emailId: string,
    readonly lastError: unknown,
  ) {
    super(`Email ${emailId} was sent but could not be recorded as sent`);
  }
}

export class EmailSendInProgress extends DomainError {
  constructor(readonly emailId: string) {
    super(`Email ${emailId} is being sent by another worker`);
  }
}
