/** Staff work a case: list their inbox, read a case (audited), and change it under If-Match. */
import { randomUUID } from 'node:crypto';
import {
  EnquiryReferralAcceptedEvent,
  EnquiryReferralDeclinedEvent,
} from '../../events/enquiry-referral-answered.ts';
import { EnquiryReferralRequestedEvent } from '../../events/enquiry-referral-requested.ts';
import { EnquiryStatusChangedEvent } from '../../events/enquiry-status-changed.ts';
import { EnquiryUpdatePublishedEvent } from '../../events/enquiry-update-published.ts';
import { createEvent, type OutgoingEvent } from '../../events/envelope.ts';
import {
  type ActionContext,
  acceptReferral,
  actorOf,
  addNote,
  assertCanSee,
  assignCase,
  type CaseChange,
  type CaseSummary,
  declineReferral,
  isCsuOfficer,
  listingOf,
  publishUpdate,
  referToAgency,
  summaryAt,
  type TimelineEntry,
  targetsFor,
  transitionCase,
} from '../casework.ts';
import type { CaseRecord, CaseRepository } from '../casework-ports.ts';
import type { ClosureReason, DeclineReason } from '../casework-vocabulary.ts';
import { ENQUIRY_STATUSES, type Enquiry, type EnquiryStatus, OPEN_STATUSES } from '../enquiry.ts';
import { EnquiryNotFound, NotPermitted, StaleVersion, ValidationFailed } from '../errors.ts';
import type { Clock, EnquiryRepository, EventPublisher, Page, ReferenceDataRepository } from '../ports.ts';
import { isReference } from '../reference.ts';
import type { StaffPrincipal } from '../staff.ts';
import { versionFromEtag } from './governance-writes.ts';

export interface CaseworkDeps {
  readonly cases: CaseRepository;
  readonly enquiries: Pick<EnquiryRepository, 'get'>;
  readonly referenceData: Pick<ReferenceDataRepository, 'listAgencies' | 'getRoutingRule'>;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly newId?: () => string;
}

/** What a change answers: the case's inbox line and version, and whether its events reached the bus yet. */
export interface CaseChangeResult {
  readonly summary: CaseSummary;
  readonly version: number;
  /** False when the events wait in the outbox for the sweeper (the change itself is saved). */
  readonly published: boolean;
  readonly publishError?: unknown;
}

/** Filters of the inbox, as the API receives them. */
export interface InboxFilters {
  readonly status?: EnquiryStatus;
  readonly category?: string;
  readonly agency?: string;
  readonly receivedFrom?: string;
  readonly receivedBefore?: string;
  readonly overdue?: boolean;
  readonly assignedToMe?: boolean;
  readonly needsTriage?: boolean;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * The caller's inbox, newest first: a CSU officer's spans every case (or one agency's, with `agency`); an
 * agency officer's only its own agency's referrals, whatever `agency` says.
 */
export async function listInbox(
  deps: Pick<CaseworkDeps, 'cases' | 'clock'>,
  principal: StaffPrincipal,
  filters: InboxFilters,
): Promise<Page<CaseSummary>> {
  const now = deps.clock();
  let agencyId = filters.agency;
  if (!isCsuOfficer(principal)) {
    // Another agency's inbox is simply empty to an agency officer: there is nothing to probe.
    if (filters.agency !== undefined && filters.agency !== principal.agencyId) return { items: [] };
    agencyId = principal.agencyId;
    if (!agencyId) return { items: [] };
  }
  // An overdue case is open by definition, so the closed partition need not be read.
  const statuses = filters.status ? [filters.status] : filters.overdue ? OPEN_STATUSES : ENQUIRY_STATUSES;
  const page = await deps.cases.listCases({
    statuses,
    agencyId,
    category: filters.category,
    receivedFrom: filters.receivedFrom,
    receivedBefore: filters.receivedBefore,
    overdueAt: filters.overdue ? now.toISOString() : undefined,
    assignedTo: filters.assignedToMe ? principal.subject : undefined,
    needsTriage: filters.needsTriage,
    limit: filters.limit,
    cursor: filters.cursor,
  });
  return { items: page.items.map((listing) => summaryAt(listing, now)), cursor: page.cursor };
}

/** The whole case for staff, each read written to the audit trail before anything is returned. */
export async function viewCase(
  deps: Pick<CaseworkDeps, 'cases' | 'clock'>,
  principal: StaffPrincipal,
  reference: string,
): Promise<CaseRecord> {
  if (!isReference(reference)) throw new EnquiryNotFound(reference);
  const record = await deps.cases.getCase(reference);
  if (!record) throw new EnquiryNotFound(reference);
  assertCanSee(principal, record.enquiry);
  const actor = actorOf(principal);
  await deps.cases.recordAccess({
    reference,
    at: deps.clock().toISOString(),
    subject: actor.subject,
    role: actor.role,
    agencyId: actor.agencyId,
    view: 'case',
  });
  return record;
}

/** An agency accepts its referral. */
export function acceptCaseReferral(
  deps: CaseworkDeps,
  principal: StaffPrincipal,
  input: { reference: string; agencyId: string; ifMatch?: string },
) {
  return changeCase(deps, principal, input, (enquiry, context) =>
    acceptReferral(enquiry, principal, input.agencyId, context),
  );
}

/** An agency declines its referral with a reason code (and, optionally, an internal note saying more). */
export function declineCaseReferral(
  deps: CaseworkDeps,
  principal: StaffPrincipal,
  input: { reference: string; agencyId: string; reason: DeclineReason; note?: string; ifMatch?: string },
) {
  return changeCase(deps, principal, input, (enquiry, context) =>
    withNote(declineReferral(enquiry, principal, input.agencyId, input.reason, context), input.note, context),
  );
}

/** The CSU refers a case to another agency, at that category's acceptance target. */
export async function referCase(
  deps: CaseworkDeps,
  principal: StaffPrincipal,
  input: { reference: string; agencyId: string; note?: string; ifMatch?: string },
) {
  // The API's route admits CSU officers only; checked here too, so no other door (the console) can differ.
  if (!isCsuOfficer(principal)) throw new NotPermitted(['csu-officer']);
  return changeCase(deps, principal, input, async (enquiry, context) => {
    const [agencies, rule] = await Promise.all([
      deps.referenceData.listAgencies(),
      deps.referenceData.getRoutingRule(enquiry.category),
    ]);
    const agency = agencies.find((a) => a.id === input.agencyId);
    if (!agency) {
      throw new ValidationFailed([{ field: 'agencyId', message: `${input.agencyId} is not a CSU agency` }]);
    }
    const change = referToAgency(enquiry, agency, targetsFor(enquiry.sensitive, rule?.targets), context);
    return withNote(change, input.note, context);
  });
}

/** Assigns a case to an officer (the caller, when none is named). */
export function assignCaseTo(
  deps: CaseworkDeps,
  principal: StaffPrincipal,
  input: { reference: string; officer?: string; ifMatch?: string },
) {
  return changeCase(deps, principal, input, (enquiry, context) =>
    assignCase(enquiry, principal, input.officer ?? principal.subject, context),
  );
}

/** Adds an internal note. */
export function addCaseNote(
  deps: CaseworkDeps,
  principal: StaffPrincipal,
  input: { reference: string; text: string; ifMatch?: string },
) {
  return changeCase(deps, principal, input, (enquiry, context) => addNote(enquiry, input.text, context));
}

/** Publishes an update for the enquirer. */
export function publishCaseUpdate(
  deps: CaseworkDeps,
  principal: StaffPrincipal,
  input: { reference: string; message: string; ifMatch?: string },
) {
  return changeCase(deps, principal, input, (enquiry, context) =>
    publishUpdate(enquiry, input.message, context),
  );
}

/** Moves a case along its state machine. */
export function transitionCaseTo(
  deps: CaseworkDeps,
  principal: StaffPrincipal,
  input: {
    reference: string;
    to: EnquiryStatus;
    reason?: ClosureReason;
    publicMessage?: string;
    ifMatch?: string;
  },
) {
  return changeCase(deps, principal, input, (enquiry, context) =>
    transitionCase(enquiry, principal, input, context),
  );
}

/** Adds an internal note to a change, as part of it. */
function withNote(change: CaseChange, text: string | undefined, context: ActionContext): CaseChange {
  if (!text) return change;
  const noted = addNote(change.after, text, context);
  return {
    before: change.before,
    // The note is part of the same change: one version step, not two.
    after: { ...change.after },
    timeline: [...change.timeline, ...noted.timeline],
    note: noted.note,
  };
}

/**
 * Reads the case, checks the caller may see it and read the version they name, applies `act`, and saves the
 * change with its events in one transaction; then publishes the events, leaving them to the outbox sweeper if
 * the bus is unavailable.
 */
async function changeCase(
  deps: CaseworkDeps,
  principal: StaffPrincipal,
  input: { reference: string; ifMatch?: string },
  act: (enquiry: Enquiry, context: ActionContext) => CaseChange | Promise<CaseChange>,
): Promise<CaseChangeResult> {
  const expectedVersion = versionFromEtag(input.ifMatch);
  if (!isReference(input.reference)) throw new EnquiryNotFound(input.reference);
  const enquiry = await deps.enquiries.get(input.reference);
  if (!enquiry) throw new EnquiryNotFound(input.reference);
  assertCanSee(principal, enquiry);
  if (enquiry.version !== expectedVersion) throw new StaleVersion();
  const now = deps.clock();
  const change = await act(enquiry, { now, actor: actorOf(principal), newId: deps.newId ?? randomUUID });
  const events = eventsOf(change, enquiry.reference);
  const outboxId = await deps.cases.save(change, events);
  let published = true;
  let publishError: unknown;
  if (outboxId) {
    try {
      await deps.events.publish(events);
      await deps.cases.markEventsPublished(enquiry.reference, outboxId, deps.clock().toISOString());
    } catch (error) {
      published = false;
      publishError = error;
    }
  }
  return {
    summary: summaryAt(listingOf(change.after), now),
    version: change.after.version,
    published,
    publishError,
  };
}

/** The events a change announces: codes and ids only, never personal data or free text. */
export function eventsOf(change: CaseChange, reference: string): OutgoingEvent[] {
  const context = (entry: TimelineEntry) => ({ correlationId: reference, occurredAt: entry.at });
  return change.timeline.flatMap((entry): OutgoingEvent[] => {
    const details = entry.details;
    switch (entry.kind) {
      case 'referred':
        return [
          createEvent(
            EnquiryReferralRequestedEvent,
            { reference, recipientId: String(details.agencyId) },
            context(entry),
          ),
        ];
      case 'referral-accepted':
        return [
          createEvent(
            EnquiryReferralAcceptedEvent,
            { reference, agencyId: String(details.agencyId), changeId: entry.id },
            context(entry),
          ),
        ];
      case 'referral-declined':
        return [
          createEvent(
            EnquiryReferralDeclinedEvent,
            {
              reference,
              agencyId: String(details.agencyId),
              reason: String(details.reason),
              changeId: entry.id,
            },
            context(entry),
          ),
        ];
      case 'update-published':
        return [
          createEvent(
            EnquiryUpdatePublishedEvent,
            { reference, updateId: String(details.updateId) },
            context(entry),
          ),
        ];
      case 'status-changed': {
        const to = String(details.to);
        const updateId = details.updateId === undefined ? undefined : String(details.updateId);
        const statusChanged = createEvent(
          EnquiryStatusChangedEvent,
          {
            reference,
            from: String(details.from),
            to,
            reason: details.reason === undefined ? undefined : String(details.reason),
            updateId,
            changeId: entry.id,
          },
          context(entry),
        );
        // A message given on closing goes in the closure email; on any other move it is an update of its own.
        const update =
          updateId && to !== 'closed'
            ? [createEvent(EnquiryUpdatePublishedEvent, { reference, updateId }, context(entry))]
            : [];
        return [statusChanged, ...update];
      }
      default:
        return [];
    }
  });
}
