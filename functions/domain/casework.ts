/**
 * Casework rules: who may see and work an enquiry, the state machine it moves through, its referrals to
 * agencies, and when it is overdue. Pure: each action takes the case as read and returns the case as it must
 * be written, with the timeline entry that records the change. Storage applies it only if nobody changed the
 * case meanwhile (its `version`).
 */
import { type ClosureReason, DECLINE_REASONS, type DeclineReason } from './casework-vocabulary.ts';
import type { Enquiry, EnquiryStatus, RoutedRecipient } from './enquiry.ts';
import { CaseActionRefused, EnquiryNotFound, ValidationFailed } from './errors.ts';
import type { Agency } from './partnership.ts';
import type { StaffPrincipal } from './staff.ts';
import { workingDayDeadline } from './working-days.ts';

/** Where a referral to one agency stands. */
export type ReferralStatus = 'sent' | 'accepted' | 'declined';

/** An enquiry referred to one agency, and that agency's answer. */
export interface Referral {
  readonly agencyId: string;
  readonly agencyName: string;
  readonly status: ReferralStatus;
  readonly referredAt: string;
  /** Who referred it: `system:router` for the routing table, else the officer's subject. */
  readonly referredBy: string;
  /** The agency should accept or decline by then (its response-time target). */
  readonly acceptBy: string;
  readonly respondedAt?: string;
  readonly respondedBy?: string;
  readonly declineReason?: DeclineReason;
  /** The agency's mailbox refused the referral email for good (a permanent bounce): it never arrived. */
  readonly undelivered?: { readonly at: string; readonly bounceType: string };
}

/** A message to the enquirer, shown on their status page (and emailed, with consent). */
export interface PublicUpdate {
  readonly id: string;
  readonly at: string;
  readonly message: string;
}

/** Why and when a case was closed. */
export interface Closure {
  readonly reason: ClosureReason;
  readonly at: string;
}

/** Response-time targets of a category, in working days (England and Wales). */
export interface ResponseTargets {
  readonly acceptWithinWorkingDays: number;
  readonly closeWithinWorkingDays: number;
}

/** Targets of categories the routing table sets none for; sensitive categories are answered faster. */
export const DEFAULT_TARGETS: { readonly standard: ResponseTargets; readonly sensitive: ResponseTargets } = {
  standard: { acceptWithinWorkingDays: 2, closeWithinWorkingDays: 20 },
  sensitive: { acceptWithinWorkingDays: 1, closeWithinWorkingDays: 10 },
};

/** The targets that apply to a category: its own, or the default for its sensitivity. */
export function targetsFor(sensitive: boolean, own?: ResponseTargets): ResponseTargets {
  return own ?? (sensitive ? DEFAULT_TARGETS.sensitive : DEFAULT_TARGETS.standard);
}

/** Who did something: a member of staff, or one of our own functions. */
export interface Actor {
  readonly subject: string;
  readonly role: string;
  readonly agencyId?: string;
}

/** The router's identity in timelines. */
export const ROUTER_ACTOR: Actor = { subject: 'system:router', role: 'system' };

/** The enquirer, in the timeline entry of their submission. */
export const ENQUIRER_ACTOR: Actor = { subject: 'enquirer', role: 'public' };

/**
 * The timeline as staff read it: the submission first (it is the enquiry itself, not a stored entry), then
 * every recorded change, oldest first.
 */
export function timelineOf(
  enquiry: Pick<Enquiry, 'reference' | 'receivedAt' | 'category'>,
  recorded: readonly TimelineEntry[],
): TimelineEntry[] {
  const received: TimelineEntry = {
    id: `${enquiry.reference}-received`,
    at: enquiry.receivedAt,
    actor: ENQUIRER_ACTOR,
    kind: 'received',
    details: { category: enquiry.category },
  };
  return [received, ...[...recorded].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))];
}

export const TIMELINE_KINDS = [
  'received',
  'routed',
  'referred',
  'referral-accepted',
  'referral-declined',
  'assigned',
  'note-added',
  'update-published',
  'status-changed',
  'erased',
  'referral-undelivered',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/**
 * One change to a case. `details` holds codes and ids only, never free text: notes and public updates are kept
 * (and shown) apart, so the timeline can be shown to every officer who may see the case.
 */
export interface TimelineEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: Actor;
  readonly kind: TimelineKind;
  readonly details: Readonly<Record<string, string | boolean | readonly string[]>>;
}

/** An internal note: never shown to the enquirer, never in events, emails or logs. */
export interface CaseNote {
  readonly id: string;
  readonly at: string;
  readonly author: Actor;
  readonly text: string;
}

/** Longest internal note and public update, in characters. */
export const MAX_NOTE_LENGTH = 4000;
export const MAX_PUBLIC_UPDATE_LENGTH = 1000;
/** Most public updates one case holds (they live on the enquiry item, which has a size limit). */
export const MAX_PUBLIC_UPDATES = 50;

/** Moves staff may make, by status. Routing (received → routed) is the router's alone. */
const TRANSITIONS: Record<EnquiryStatus, readonly EnquiryStatus[]> = {
  received: ['in-progress', 'closed'],
  routed: ['in-progress', 'closed'],
  'in-progress': ['closed'],
  closed: ['in-progress'],
};

/** True for a CSU officer; they see and may work every case. */
export const isCsuOfficer = (principal: StaffPrincipal) => principal.roles.includes('csu-officer');

/** The actor a principal acts as: the CSU when they hold that role, else their agency. */
export function actorOf(principal: StaffPrincipal): Actor {
  if (isCsuOfficer(principal)) return { subject: principal.subject, role: 'csu-officer' };
  return { subject: principal.subject, role: 'agency-officer', agencyId: principal.agencyId };
}

/**
 * Whether `principal` may see `enquiry`: a CSU officer always; an agency officer while the enquiry is
 * referred to their agency and not declined by it. Callers answer "not found" otherwise, never "forbidden", so
 * references cannot be probed.
 */
export function canSee(principal: StaffPrincipal, enquiry: Pick<Enquiry, 'referrals'>): boolean {
  if (isCsuOfficer(principal)) return true;
  if (!principal.roles.includes('agency-officer') || !principal.agencyId) return false;
  return enquiry.referrals.some((r) => r.agencyId === principal.agencyId && r.status !== 'declined');
}

/** Throws EnquiryNotFound unless `principal` may see the case. */
export function assertCanSee(principal: StaffPrincipal, enquiry: Enquiry): void {
  if (!canSee(principal, enquiry)) throw new EnquiryNotFound(enquiry.reference);
}

/** The statuses staff may move a case to from where it is (reopening is the CSU's alone). */
export function allowedTransitions(status: EnquiryStatus, principal: StaffPrincipal): EnquiryStatus[] {
  return TRANSITIONS[status].filter(
    (to) => status !== 'closed' || isCsuOfficer(principal) || to !== 'in-progress',
  );
}

/** What a change produces: the case to write, and the timeline entries that record it. */
export interface CaseChange {
  readonly before: Enquiry;
  readonly after: Enquiry;
  readonly timeline: readonly TimelineEntry[];
  readonly note?: CaseNote;
}

/** Context every action needs. */
export interface ActionContext {
  readonly now: Date;
  readonly actor: Actor;
  readonly newId: () => string;
}

function changed(
  before: Enquiry,
  patch: Partial<Enquiry>,
  context: ActionContext,
  entries: readonly Omit<TimelineEntry, 'id' | 'at' | 'actor'>[],
  note?: CaseNote,
): CaseChange {
  const at = context.now.toISOString();
  const after: Enquiry = { ...before, ...patch, updatedAt: at, version: before.version + 1 };
  return {
    before,
    after,
    timeline: entries.map((entry) => ({ id: context.newId(), at, actor: context.actor, ...entry })),
    note,
  };
}

function refusal(message: string, allowed?: readonly string[]): never {
  throw new CaseActionRefused(message, allowed);
}

/** The agency's own referral, for an agency officer; any referral to `agencyId`, for the CSU. */
function referralFor(enquiry: Enquiry, principal: StaffPrincipal, agencyId: string): Referral {
  const referral = enquiry.referrals.find((r) => r.agencyId === agencyId);
  // An agency officer asking about another agency's referral learns nothing about it.
  if (!isCsuOfficer(principal) && principal.agencyId !== agencyId)
    throw new EnquiryNotFound(enquiry.reference);
  if (!referral) throw new EnquiryNotFound(`${enquiry.reference} referral to ${agencyId}`);
  return referral;
}

function replaceReferral(enquiry: Enquiry, updated: Referral): Referral[] {
  return enquiry.referrals.map((r) => (r.agencyId === updated.agencyId ? updated : r));
}

/**
 * Records the routing table's decision on a received enquiry: one referral per agency recipient (the CSU's
 * own copy is not a referral), its acceptance deadline, and the case's closure deadline. An enquiry staff
 * closed before it was routed is sent to nobody.
 */
export function routeCase(
  enquiry: Enquiry,
  recipients: readonly RoutedRecipient[],
  targets: ResponseTargets,
  context: ActionContext,
  csuRecipientId: string,
): CaseChange {
  // Closed before the router got to it (a duplicate, say): nobody is sent it, but the router is done with it.
  if (enquiry.status === 'closed') {
    return changed(enquiry, { routing: [], routedTo: [] }, context, [
      { kind: 'routed', details: { agencyIds: [] } },
    ]);
  }
  const at = context.now.toISOString();
  const acceptBy = workingDayDeadline(context.now, targets.acceptWithinWorkingDays).toISOString();
  const referrals: Referral[] = recipients
    .filter((r) => r.id !== csuRecipientId)
    .map((r) => ({
      agencyId: r.id,
      agencyName: r.name,
      status: 'sent',
      referredAt: at,
      referredBy: ROUTER_ACTOR.subject,
      acceptBy,
    }));
  const dueBy = workingDayDeadline(
    new Date(enquiry.receivedAt),
    targets.closeWithinWorkingDays,
  ).toISOString();
  return changed(
    enquiry,
    {
      // Staff may already have moved a received enquiry on; routing never moves it back.
      status: enquiry.status === 'received' ? 'routed' : enquiry.status,
      routing: recipients,
      routedTo: recipients.map((r) => r.id),
      referrals,
      dueBy,
      // Nothing but the CSU's own copy: someone must decide where it goes.
      needsTriage: referrals.length === 0 || enquiry.needsTriage,
    },
    context,
    [{ kind: 'routed', details: { agencyIds: referrals.map((r) => r.agencyId) } }],
  );
}

/** An agency takes on its referral. */
export function acceptReferral(
  enquiry: Enquiry,
  principal: StaffPrincipal,
  agencyId: string,
  context: ActionContext,
): CaseChange {
  const referral = referralFor(enquiry, principal, agencyId);
  if (referral.status !== 'sent') refusal(`The referral to ${agencyId} is already ${referral.status}.`);
  if (enquiry.status === 'closed') refusal('The enquiry is closed.');
  const accepted: Referral = {
    ...referral,
    status: 'accepted',
    respondedAt: context.now.toISOString(),
    respondedBy: context.actor.subject,
  };
  return changed(enquiry, { referrals: replaceReferral(enquiry, accepted) }, context, [
    { kind: 'referral-accepted', details: { agencyId } },
  ]);
}

/** An agency turns its referral down; the case goes back to the CSU's triage queue. */
export function declineReferral(
  enquiry: Enquiry,
  principal: StaffPrincipal,
  agencyId: string,
  reason: DeclineReason,
  context: ActionContext,
): CaseChange {
  if (!DECLINE_REASONS.includes(reason)) refusal(`Unknown decline reason ${reason}.`, DECLINE_REASONS);
  const referral = referralFor(enquiry, principal, agencyId);
  if (referral.status === 'declined') refusal(`The referral to ${agencyId} is already declined.`);
  if (enquiry.status === 'closed') refusal('The enquiry is closed.');
  const declined: Referral = {
    ...referral,
    status: 'declined',
    respondedAt: context.now.toISOString(),
    respondedBy: context.actor.subject,
    declineReason: reason,
  };
  return changed(enquiry, { referrals: replaceReferral(enquiry, declined), needsTriage: true }, context, [
    { kind: 'referral-declined', details: { agencyId, reason } },
  ]);
}

/** Who records what the mail provider reports: not a person. */
export const DELIVERY_ACTOR: Actor = { subject: 'system:delivery-events', role: 'system' };

/**
 * The agency's mailbox refused its referral for good: the referral counts as undelivered and the case goes back
 * to the CSU's triage queue, whatever its status. Undefined when there is no such referral, or it is already
 * marked (a redelivered report).
 */
export function markReferralUndelivered(
  enquiry: Enquiry,
  agencyId: string,
  bounceType: string,
  context: ActionContext,
): CaseChange | undefined {
  const referral = enquiry.referrals.find((r) => r.agencyId === agencyId);
  if (!referral || referral.undelivered) return undefined;
  const undelivered: Referral = { ...referral, undelivered: { at: context.now.toISOString(), bounceType } };
  return changed(enquiry, { referrals: replaceReferral(enquiry, undelivered), needsTriage: true }, context, [
    { kind: 'referral-undelivered', details: { agencyId, bounceType } },
  ]);
}

/** The CSU refers the case to one more agency; the mailer emails it (once) through the recorded routing. */
export function referToAgency(
  enquiry: Enquiry,
  agency: Agency,
  targets: ResponseTargets,
  context: ActionContext,
): CaseChange {
  if (enquiry.status === 'closed') refusal('The enquiry is closed; reopen it first.');
  if (!enquiry.routing) refusal('The enquiry has not been routed yet; try again in a moment.');
  if (enquiry.referrals.some((r) => r.agencyId === agency.id)) {
    refusal(`The enquiry has already been referred to ${agency.id}.`);
  }
  if (enquiry.sensitive && !agency.safeguarding) {
    refusal(`${agency.id} is not a safeguarding agency; a sensitive enquiry goes only to those.`);
  }
  const at = context.now.toISOString();
  const referral: Referral = {
    agencyId: agency.id,
    agencyName: agency.name,
    status: 'sent',
    referredAt: at,
    referredBy: context.actor.subject,
    acceptBy: workingDayDeadline(context.now, targets.acceptWithinWorkingDays).toISOString(),
  };
  const recipient: RoutedRecipient = { id: agency.id, name: agency.name, email: agency.email };
  return changed(
    enquiry,
    {
      referrals: [...enquiry.referrals, referral],
      routing: [...enquiry.routing, recipient],
      routedTo: [...(enquiry.routedTo ?? []), agency.id],
      needsTriage: false,
    },
    context,
    [{ kind: 'referred', details: { agencyId: agency.id } }],
  );
}

/** Assigns the case to a named officer. */
export function assignCase(
  enquiry: Enquiry,
  principal: StaffPrincipal,
  officer: string,
  context: ActionContext,
): CaseChange {
  if (enquiry.status === 'closed') refusal('The enquiry is closed; reopen it first.');
  return changed(
    enquiry,
    { assignedTo: officer, needsTriage: isCsuOfficer(principal) ? false : enquiry.needsTriage },
    context,
    [{ kind: 'assigned', details: { officer } }],
  );
}

/** Adds an internal note. */
export function addNote(enquiry: Enquiry, text: string, context: ActionContext): CaseChange {
  const note: CaseNote = { id: context.newId(), at: context.now.toISOString(), author: context.actor, text };
  return changed(enquiry, {}, context, [{ kind: 'note-added', details: { noteId: note.id } }], note);
}

/** Publishes an update for the enquirer (status page; email with consent). */
export function publishUpdate(enquiry: Enquiry, message: string, context: ActionContext): CaseChange {
  if (enquiry.publicUpdates.length >= MAX_PUBLIC_UPDATES) {
    refusal(`A case holds at most ${MAX_PUBLIC_UPDATES} public updates.`);
  }
  const update: PublicUpdate = { id: context.newId(), at: context.now.toISOString(), message };
  return changed(enquiry, { publicUpdates: [update, ...enquiry.publicUpdates] }, context, [
    { kind: 'update-published', details: { updateId: update.id } },
  ]);
}

/**
 * Moves the case along its state machine. Closing needs a reason; a public message is published as an update
 * in the same change (and, on closure, goes in the closure email instead of an email of its own).
 */
export function transitionCase(
  enquiry: Enquiry,
  principal: StaffPrincipal,
  input: { to: EnquiryStatus; reason?: ClosureReason; publicMessage?: string },
  context: ActionContext,
): CaseChange {
  const allowed = allowedTransitions(enquiry.status, principal);
  if (!allowed.includes(input.to)) {
    const reopen = enquiry.status === 'closed' && input.to === 'in-progress';
    refusal(
      reopen
        ? 'Only the CSU can reopen a closed enquiry.'
        : `An enquiry that is ${enquiry.status} cannot move to ${input.to}.`,
      allowed,
    );
  }
  if (input.to === 'closed' && !input.reason) {
    throw new ValidationFailed([{ field: 'reason', message: 'is required to close an enquiry' }]);
  }
  if (input.to !== 'closed' && input.reason) {
    throw new ValidationFailed([{ field: 'reason', message: 'is only given when closing' }]);
  }
  const at = context.now.toISOString();
  const entries: Omit<TimelineEntry, 'id' | 'at' | 'actor'>[] = [];
  let publicUpdates = enquiry.publicUpdates;
  let updateId: string | undefined;
  if (input.publicMessage) {
    if (publicUpdates.length >= MAX_PUBLIC_UPDATES)
      refusal(`A case holds at most ${MAX_PUBLIC_UPDATES} public updates.`);
    updateId = context.newId();
    publicUpdates = [{ id: updateId, at, message: input.publicMessage }, ...publicUpdates];
  }
  entries.push({
    kind: 'status-changed',
    details: {
      from: enquiry.status,
      to: input.to,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(updateId ? { updateId } : {}),
    },
  });
  return changed(
    enquiry,
    {
      status: input.to,
      closure: input.to === 'closed' && input.reason ? { reason: input.reason, at } : undefined,
      publicUpdates,
      needsTriage: input.to === 'closed' ? false : isCsuOfficer(principal) ? false : enquiry.needsTriage,
    },
    context,
    entries,
  );
}

/**
 * The earliest deadline the case is working towards, if it is open: a referral still waiting for its answer,
 * or the case's own closure target. Past it, the case is overdue.
 */
export function attentionBy(enquiry: Pick<Enquiry, 'status' | 'dueBy' | 'referrals'>): string | undefined {
  if (enquiry.status === 'closed') return undefined;
  const deadlines = [
    ...(enquiry.dueBy ? [enquiry.dueBy] : []),
    ...enquiry.referrals.filter((r) => r.status === 'sent').map((r) => r.acceptBy),
  ];
  return deadlines.sort()[0];
}

/** The deadline one agency works towards: accepting its referral, then the case's closure. */
export function agencyAttentionBy(
  enquiry: Pick<Enquiry, 'status' | 'dueBy' | 'referrals'>,
  agencyId: string,
): string | undefined {
  const referral = enquiry.referrals.find((r) => r.agencyId === agencyId);
  if (enquiry.status === 'closed' || !referral || referral.status === 'declined') return undefined;
  return referral.status === 'sent' ? referral.acceptBy : enquiry.dueBy;
}

/** A case as the inbox lists it: no personal data, no free text. */
export interface CaseSummary {
  readonly reference: string;
  readonly category: string;
  readonly sensitive: boolean;
  readonly status: EnquiryStatus;
  readonly receivedAt: string;
  readonly dueBy?: string;
  readonly overdue: boolean;
  readonly needsTriage: boolean;
  readonly agencies: readonly { agencyId: string; status: ReferralStatus }[];
  readonly assignedTo?: string;
}

/**
 * What storage keeps to list a case without reading it: the summary, with the deadline that makes it overdue
 * (the case's own, or in an agency's inbox, that agency's).
 */
export interface CaseListing extends Omit<CaseSummary, 'overdue'> {
  readonly attentionBy?: string;
}

/** The listing of a case in the CSU's inbox. */
export function listingOf(enquiry: Enquiry): CaseListing {
  return {
    reference: enquiry.reference,
    category: enquiry.category,
    sensitive: enquiry.sensitive,
    status: enquiry.status,
    receivedAt: enquiry.receivedAt,
    dueBy: enquiry.dueBy,
    attentionBy: attentionBy(enquiry),
    needsTriage: enquiry.needsTriage,
    agencies: enquiry.referrals.map((r) => ({ agencyId: r.agencyId, status: r.status })),
    assignedTo: enquiry.assignedTo,
  };
}

/** The inbox line of a listing at `now`. */
export function summaryAt(listing: CaseListing, now: Date): CaseSummary {
  const { attentionBy: deadline, ...summary } = listing;
  return { ...summary, overdue: deadline !== undefined && deadline < now.toISOString() };
}
