/**
 * Casework: the inbox, the whole case (every read audited), and each change a CSU or agency officer makes,
 * all under If-Match. An agency officer sees only cases referred to its agency; any other is "not found".
 */

import type { Context } from 'hono';
import * as z from 'zod/mini';
import { MAX_NOTE_LENGTH, MAX_PUBLIC_UPDATE_LENGTH } from '../../domain/casework.ts';
import type { CaseRepository } from '../../domain/casework-ports.ts';
import { CLOSURE_REASONS, DECLINE_REASONS } from '../../domain/casework-vocabulary.ts';
import { ENQUIRY_STATUSES } from '../../domain/enquiry.ts';
import type {
  Clock,
  EnquiryRepository,
  EventPublisher,
  ReferenceDataRepository,
} from '../../domain/ports.ts';
import {
  acceptCaseReferral,
  addCaseNote,
  assignCaseTo,
  type CaseChangeResult,
  declineCaseReferral,
  listInbox,
  publishCaseUpdate,
  referCase,
  transitionCaseTo,
  viewCase,
} from '../../domain/use-cases/casework.ts';
import { eraseEnquiry } from '../../domain/use-cases/erase-enquiry.ts';
import { etagOf } from '../../domain/use-cases/governance-writes.ts';
import { ukDateRange } from '../../domain/working-days.ts';
import { safeError } from '../../observability.ts';
import { ROUTES } from '../../topology.ts';
import { caseView } from '../case-view.ts';
import { defineRoute, lazily, type RouteDefinition, type StaffEnv } from '../define-route.ts';
import {
  boundedText,
  documented,
  IfMatchHeader,
  IsoDateSchema,
  jsonResponse,
  pageQuery,
  problemResponses,
  singleLineText,
  titled,
} from '../openapi-parts.ts';
import { ReferenceParamSchema } from '../schemas.ts';

export interface CaseRouteDeps {
  readonly cases: CaseRepository;
  readonly enquiries: Pick<EnquiryRepository, 'get'>;
  readonly referenceData: Pick<ReferenceDataRepository, 'listAgencies' | 'getRoutingRule'>;
  readonly events: EventPublisher;
  readonly clock: Clock;
}

const Slug = () => z.string().check(z.maxLength(64), z.regex(/^[a-z0-9-]+$/, 'must be a lower-case id'));
const Flag = () => z.enum(['true', 'false']);

const CaseSummarySchema = lazily(() =>
  titled(
    'CaseSummary',
    z.object({
      reference: z.string(),
      category: z.string(),
      sensitive: z.boolean(),
      status: z.enum(ENQUIRY_STATUSES),
      receivedAt: z.string(),
      dueBy: z.optional(z.string()),
      overdue: z.boolean(),
      needsTriage: z.boolean(),
      agencies: z.array(z.object({ agencyId: z.string(), status: z.enum(['sent', 'accepted', 'declined']) })),
      assignedTo: z.optional(z.string()),
    }),
  ),
);

const CaseListSchema = lazily(() =>
  titled('CaseList', z.object({ items: z.array(CaseSummarySchema()), nextCursor: z.optional(z.string()) })),
);

const ActorSchema = () =>
  z.object({ subject: z.string(), role: z.string(), agencyId: z.optional(z.string()) });

const CaseSchema = lazily(() =>
  titled(
    'Case',
    z.object({
      reference: z.string(),
      category: z.string(),
      sensitive: z.boolean(),
      status: z.enum(ENQUIRY_STATUSES),
      allowedTransitions: z.array(z.enum(ENQUIRY_STATUSES)),
      receivedAt: z.string(),
      updatedAt: z.string(),
      dueBy: z.optional(z.string()),
      overdue: z.boolean(),
      needsTriage: z.boolean(),
      assignedTo: z.optional(z.string()),
      enquiry: z.object({
        description: z.string(),
        happeningNow: z.boolean(),
        contact: z.object({
          name: z.optional(z.string()),
          email: z.optional(z.string()),
          phone: z.optional(z.string()),
        }),
        safeContact: z.object({
          mayEmail: z.boolean(),
          mayPhone: z.boolean(),
          mayLeaveVoicemail: z.optional(z.boolean()),
          safeTimes: z.optional(z.string()),
          preferredLanguage: z.optional(z.string()),
        }),
        source: z.optional(
          z.object({
            channel: z.literal('open311'),
            clientId: z.string(),
            clientName: z.string(),
          }),
        ),
        location: z.optional(
          z.object({
            postcode: z.optional(z.string()),
            address: z.optional(z.string()),
            latitude: z.optional(z.number()),
            longitude: z.optional(z.number()),
          }),
        ),
      }),
      referrals: z.array(
        z.object({
          agencyId: z.string(),
          agencyName: z.string(),
          status: z.enum(['sent', 'accepted', 'declined']),
          referredAt: z.string(),
          referredBy: z.string(),
          acceptBy: z.string(),
          respondedAt: z.optional(z.string()),
          respondedBy: z.optional(z.string()),
          declineReason: z.optional(z.enum(DECLINE_REASONS)),
          undelivered: z.optional(z.object({ at: z.string(), bounceType: z.string() })),
          email: z.object({
            status: z.enum(['pending', 'sending', 'sent', 'suppressed']),
            sentAt: z.optional(z.string()),
            delivery: z.optional(
              z.object({
                outcome: z.enum(['delivered', 'bounced', 'complained', 'delayed', 'rejected']),
                at: z.string(),
                bounceType: z.optional(z.string()),
              }),
            ),
          }),
        }),
      ),
      closure: z.optional(z.object({ reason: z.enum(CLOSURE_REASONS), at: z.string() })),
      publicUpdates: z.array(z.object({ id: z.string(), at: z.string(), message: z.string() })),
      timeline: z.array(
        z.object({
          id: z.string(),
          at: z.string(),
          actor: ActorSchema(),
          kind: z.string(),
          details: z.record(z.string(), z.unknown()),
        }),
      ),
      notes: z.array(z.object({ id: z.string(), at: z.string(), author: ActorSchema(), text: z.string() })),
    }),
  ),
);

const InboxQuery = lazily(() =>
  z.strictObject({
    status: z.optional(z.enum(ENQUIRY_STATUSES)),
    category: z.optional(Slug()),
    agency: z.optional(Slug()),
    receivedFrom: z.optional(IsoDateSchema()),
    receivedTo: z.optional(documented(IsoDateSchema(), { description: 'Inclusive (UK date)' })),
    overdue: z.optional(Flag()),
    assignedTo: z.optional(z.literal('me')),
    needsTriage: z.optional(Flag()),
    ...pageQuery(),
  }),
);

const ReferralParams = lazily(() =>
  z.object({ reference: ReferenceParamSchema().shape.reference, agencyId: Slug() }),
);

/** What a change answers: the case's new inbox line (200, or 201 when it adds a note or an update). */
const changed = (description: string, status: 200 | 201 = 200) => ({
  [status]: jsonResponse(`${description}; ETag is the case's new version`, CaseSummarySchema()),
  ...problemResponses(401, 403, 404, 409, 412, 422, 428),
});

/** The casework routes. */
export function caseRoutes(deps: CaseRouteDeps): RouteDefinition[] {
  /** Answers a change: the case's new inbox line, with its new ETag. */
  const answer = (c: Context<StaffEnv>, result: CaseChangeResult, status: 200 | 201 = 200) => {
    if (!result.published) {
      c.var.log.warn('Case events not published; left for the outbox sweeper', {
        error: safeError(result.publishError),
      });
    }
    c.header('ETag', etagOf(result.version));
    c.header('Cache-Control', 'no-store');
    return c.json(result.summary, status);
  };

  return [
    defineRoute(
      ROUTES.listCases,
      () => ({
        summary: 'The inbox: cases newest first (an agency officer sees its own referrals only)',
        query: InboxQuery(),
        responses: {
          200: jsonResponse('One page of cases; no personal data', CaseListSchema()),
          ...problemResponses(401, 403, 422),
        },
      }),
      async (c, { query }) => {
        const received = ukDateRange(query.receivedFrom, query.receivedTo);
        const page = await listInbox(deps, c.var.principal, {
          status: query.status,
          category: query.category,
          agency: query.agency,
          receivedFrom: received.from,
          receivedBefore: received.before,
          overdue: query.overdue === 'true',
          assignedToMe: query.assignedTo === 'me',
          needsTriage: query.needsTriage === undefined ? undefined : query.needsTriage === 'true',
          limit: query.limit,
          cursor: query.cursor,
        });
        c.header('Cache-Control', 'no-store');
        return c.json({ items: page.items, nextCursor: page.cursor }, 200);
      },
    ),
    defineRoute(
      ROUTES.getCase,
      () => ({
        summary: 'The whole case: what the enquirer sent, referrals, timeline, notes (each read is audited)',
        params: ReferenceParamSchema(),
        responses: {
          200: jsonResponse('The case', CaseSchema(), ['ETag']),
          ...problemResponses(401, 403, 404),
        },
      }),
      async (c, { params }) => {
        const record = await viewCase(deps, c.var.principal, params.reference);
        c.header('ETag', etagOf(record.enquiry.version));
        c.header('Cache-Control', 'no-store');
        return c.json(caseView(record, c.var.principal, deps.clock()), 200);
      },
    ),
    defineRoute(
      ROUTES.acceptReferral,
      () => ({
        summary: 'Accept a referral (the agency’s own officer, or the CSU)',
        params: ReferralParams(),
        headers: IfMatchHeader(),
        responses: changed('Accepted'),
      }),
      async (c, { params, headers }) =>
        answer(
          c,
          await acceptCaseReferral(deps, c.var.principal, { ...params, ifMatch: headers['if-match'] }),
        ),
    ),
    defineRoute(
      ROUTES.declineReferral,
      () => ({
        summary: 'Decline a referral with a reason; the case returns to the CSU’s triage queue',
        params: ReferralParams(),
        headers: IfMatchHeader(),
        body: z.strictObject({
          reason: z.enum(DECLINE_REASONS),
          note: z.optional(documented(boundedText(MAX_NOTE_LENGTH), { description: 'Internal; staff only' })),
        }),
        responses: changed('Declined'),
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await declineCaseReferral(deps, c.var.principal, {
            ...params,
            ...body,
            ifMatch: headers['if-match'],
          }),
        ),
    ),
    defineRoute(
      ROUTES.referCase,
      () => ({
        summary: 'Refer the case to another agency (emailed once)',
        params: ReferenceParamSchema(),
        headers: IfMatchHeader(),
        body: z.strictObject({
          agencyId: Slug(),
          note: z.optional(documented(boundedText(MAX_NOTE_LENGTH), { description: 'Internal; staff only' })),
        }),
        responses: changed('Referred'),
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await referCase(deps, c.var.principal, { ...params, ...body, ifMatch: headers['if-match'] }),
        ),
    ),
    defineRoute(
      ROUTES.assignCase,
      () => ({
        summary: 'Assign the case to a named officer (yourself when none is named)',
        description:
          'The officer is named by their staff token’s subject (`sub`), the value `assignedTo=me` in the inbox matches; with no officer named, the case is assigned to the caller. The subject is not checked against the user pool.',
        params: ReferenceParamSchema(),
        headers: IfMatchHeader(),
        body: z.strictObject({
          officer: z.optional(
            documented(singleLineText(100), {
              description: 'A staff user’s token subject (`sub`); defaults to the caller’s',
              examples: ['pc.smith'],
            }),
          ),
        }),
        responses: changed('Assigned'),
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await assignCaseTo(deps, c.var.principal, {
            ...params,
            officer: body?.officer,
            ifMatch: headers['if-match'],
          }),
        ),
    ),
    defineRoute(
      ROUTES.addCaseNote,
      () => ({
        summary: 'Add an internal note (never shown to the enquirer, never in emails or events)',
        params: ReferenceParamSchema(),
        headers: IfMatchHeader(),
        body: z.strictObject({ text: boundedText(MAX_NOTE_LENGTH) }),
        responses: changed('Noted', 201),
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await addCaseNote(deps, c.var.principal, {
            ...params,
            text: body.text,
            ifMatch: headers['if-match'],
          }),
          201,
        ),
    ),
    defineRoute(
      ROUTES.publishCaseUpdate,
      () => ({
        summary: 'Publish an update for the enquirer (status page; emailed only with their consent)',
        params: ReferenceParamSchema(),
        headers: IfMatchHeader(),
        body: z.strictObject({ message: boundedText(MAX_PUBLIC_UPDATE_LENGTH) }),
        responses: changed('Published', 201),
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await publishCaseUpdate(deps, c.var.principal, {
            ...params,
            message: body.message,
            ifMatch: headers['if-match'],
          }),
          201,
        ),
    ),
    defineRoute(
      ROUTES.eraseEnquiry,
      () => ({
        summary: 'Erase an enquiry’s personal data now (UK GDPR art. 17); a second request changes nothing',
        description:
          'The same anonymisation the retention job applies: name, contact details, address, description, safe-contact preferences and the text of updates and notes are removed; an open case is closed as withdrawn. The reason is returned on the receipt, for the officer’s records; it is not stored with the enquiry.',
        params: ReferenceParamSchema(),
        headers: IfMatchHeader(),
        body: z.strictObject({ reason: singleLineText(200) }),
        responses: {
          // A receipt, not the record: there is no version left to change.
          200: jsonResponse('Erased (or erased before)', ErasureReceiptSchema(), []),
          ...problemResponses(401, 403, 404, 412, 422, 428),
        },
      }),
      async (c, { params, headers, body }) => {
        const receipt = await eraseEnquiry(deps, c.var.principal, {
          reference: params.reference,
          ifMatch: headers['if-match'],
        });
        c.var.log.info('Enquiry erased', {
          reference: receipt.reference,
          alreadyErased: receipt.alreadyErased,
        });
        c.header('Cache-Control', 'no-store');
        return c.json(
          { ...receipt, removed: [...receipt.removed], kept: [...receipt.kept], reason: body.reason },
          200,
        );
      },
    ),
    defineRoute(
      ROUTES.transitionCase,
      () => ({
        summary:
          'Move the case: received/routed → in-progress or closed; in-progress → closed; closed → in-progress (CSU only)',
        description:
          'Routing (received → routed) is the router’s alone. A received or routed case may be closed directly (a duplicate, a withdrawal). Closing needs a reason; `publicMessage` is published as an update in the same change. Any other move is a `409` whose `allowed` lists the moves open to the caller from the current status.',
        params: ReferenceParamSchema(),
        headers: IfMatchHeader(),
        body: z.strictObject({
          to: z.enum(ENQUIRY_STATUSES),
          reason: z.optional(z.enum(CLOSURE_REASONS)),
          publicMessage: z.optional(boundedText(MAX_PUBLIC_UPDATE_LENGTH)),
        }),
        responses: changed('Moved'),
      }),
      async (c, { params, headers, body }) =>
        answer(
          c,
          await transitionCaseTo(deps, c.var.principal, { ...params, ...body, ifMatch: headers['if-match'] }),
        ),
    ),
  ];
}

const ErasureReceiptSchema = lazily(() =>
  titled(
    'ErasureReceipt',
    z.object({
      reference: z.string(),
      erasedAt: z.string(),
      alreadyErased: z.boolean(),
      reason: z.string(),
      removed: z.array(z.string()),
      kept: z.array(z.string()),
    }),
  ),
);
