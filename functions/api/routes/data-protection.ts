/**
 * Data protection: a subject access export for a CSU officer (UK GDPR art. 15), and the audit trail of reads
 * and changes for a partnership admin. Erasure is a case action (see cases.ts).
 */
import * as z from 'zod/mini';
import type { AuditTrail } from '../../domain/audit.ts';
import type { CaseRepository } from '../../domain/casework-ports.ts';
import { CLOSURE_REASONS } from '../../domain/casework-vocabulary.ts';
import { ENQUIRY_STATUSES } from '../../domain/enquiry.ts';
import type { Clock, PersonalDataHasher, ReferenceDataRepository } from '../../domain/ports.ts';
import { readAuditTrail } from '../../domain/use-cases/read-audit-trail.ts';
import { exportSubjectData } from '../../domain/use-cases/subject-access.ts';
import { ukDateRange } from '../../domain/working-days.ts';
import { ROUTES } from '../../topology.ts';
import { defineRoute, lazily, type RouteDefinition } from '../define-route.ts';
import {
  documented,
  IsoDateSchema,
  jsonResponse,
  pageQuery,
  problemResponses,
  singleLineText,
  titled,
} from '../openapi-parts.ts';
import { EmailSchema, PhoneSchema, ReferenceParamSchema } from '../schemas.ts';

export interface DataProtectionRouteDeps {
  readonly cases: Pick<CaseRepository, 'findBySubject' | 'getCase' | 'recordAccess'>;
  readonly cachedReferenceData: Pick<ReferenceDataRepository, 'listCategories'>;
  readonly personalData: PersonalDataHasher;
  readonly audit: AuditTrail;
  readonly clock: Clock;
}

const SubjectAccessRequestSchema = lazily(() =>
  titled(
    'SubjectAccessRequest',
    z.strictObject({
      email: z.optional(EmailSchema()),
      phone: z.optional(PhoneSchema()),
      reference: z.optional(ReferenceParamSchema().shape.reference),
      includeInternalNotes: documented(z._default(z.boolean(), false), {
        description:
          'Include the CSU’s and agencies’ internal notes. Off by default: the officer decides whether an exemption applies (e.g. where disclosure would reveal or harm someone else).',
      }),
    }),
  ),
);

const SubjectAccessExportSchema = lazily(() =>
  titled(
    'SubjectAccessExport',
    z.object({
      generatedAt: z.string(),
      searchedBy: z.array(z.enum(['email', 'phone', 'reference'])),
      includesInternalNotes: z.boolean(),
      enquiries: z.array(
        z.object({
          reference: z.string(),
          matchedBy: z.array(z.enum(['email', 'phone', 'reference'])),
          category: z.object({ code: z.string(), title: z.string() }),
          receivedAt: z.string(),
          status: z.enum(ENQUIRY_STATUSES),
          closure: z.optional(z.object({ reason: z.enum(CLOSURE_REASONS), at: z.string() })),
          anonymisedAt: z.optional(z.string()),
          submitted: z.object({
            description: z.string(),
            happeningNow: z.boolean(),
            contact: z.object({
              name: z.optional(z.string()),
              email: z.optional(z.string()),
              phone: z.optional(z.string()),
            }),
            location: z.optional(z.record(z.string(), z.unknown())),
            safeContact: z.record(z.string(), z.unknown()),
          }),
          statusHistory: z.array(
            z.object({ at: z.string(), change: z.string(), details: z.record(z.string(), z.unknown()) }),
          ),
          publicUpdates: z.array(z.object({ id: z.string(), at: z.string(), message: z.string() })),
          emailsToThem: z.array(
            z.object({ kind: z.string(), status: z.string(), sentAt: z.optional(z.string()) }),
          ),
          referredTo: z.array(
            z.object({
              agencyId: z.string(),
              agencyName: z.string(),
              referredAt: z.string(),
              status: z.string(),
              respondedAt: z.optional(z.string()),
            }),
          ),
          internalNotes: z.optional(z.array(z.object({ at: z.string(), text: z.string() }))),
        }),
      ),
    }),
  ),
);

const AuditActorSchema = () =>
  z.object({ subject: z.string(), role: z.optional(z.string()), agencyId: z.optional(z.string()) });

const AuditPageSchema = lazily(() =>
  titled(
    'AuditPage',
    z.object({
      items: z.array(
        z.object({
          kind: z.enum(['case-read', 'case-change', 'record-change']),
          at: z.string(),
          actor: AuditActorSchema(),
          enquiry: z.optional(z.string()),
          view: z.optional(z.string()),
          change: z.optional(z.string()),
          details: z.optional(z.record(z.string(), z.unknown())),
          entity: z.optional(z.string()),
          action: z.optional(z.string()),
          before: z.optional(z.unknown()),
          after: z.optional(z.unknown()),
        }),
      ),
      nextCursor: z.optional(z.string()),
    }),
  ),
);

const AuditQuerySchema = lazily(() =>
  z.strictObject({
    enquiry: z.optional(ReferenceParamSchema().shape.reference),
    actor: z.optional(
      documented(singleLineText(200), {
        description: 'A user’s token subject, or a system actor such as `system:router`',
      }),
    ),
    from: z.optional(documented(IsoDateSchema(), { description: 'Inclusive (UK date)' })),
    to: z.optional(documented(IsoDateSchema(), { description: 'Inclusive (UK date)' })),
    ...pageQuery(),
  }),
);

/** The subject access and audit routes. */
export function dataProtectionRoutes(deps: DataProtectionRouteDeps): RouteDefinition[] {
  return [
    defineRoute(
      ROUTES.subjectAccess,
      () => ({
        summary: 'Export everything held about one person (UK GDPR art. 15), by email, phone or reference',
        description:
          'Enquiries are found by a keyed hash of the normalised email and phone (never by scanning), and by a reference the person quotes. Each enquiry exported is recorded in the audit trail as a read. Check the requester’s identity first.',
        body: SubjectAccessRequestSchema(),
        responses: {
          200: jsonResponse('The export; no enquiry found is an empty list', SubjectAccessExportSchema()),
          ...problemResponses(401, 403, 422),
        },
      }),
      async (c, { body }) => {
        const result = await exportSubjectData(
          { ...deps, referenceData: deps.cachedReferenceData },
          c.var.principal,
          body,
        );
        c.var.log.info('Subject access export', {
          searchedBy: result.searchedBy,
          enquiries: result.enquiries.length,
          includesInternalNotes: result.includesInternalNotes,
        });
        c.header('Cache-Control', 'no-store');
        return c.json(result, 200);
      },
    ),
    defineRoute(
      ROUTES.readAuditTrail,
      () => ({
        summary: 'The audit trail: who read or changed what, newest first',
        description:
          'Reads of a case’s personal data, every change to a case (codes only, never its text) and every change to a partnership record (with before and after). Filter by enquiry, by actor, by UK dates.',
        query: AuditQuerySchema(),
        responses: {
          200: jsonResponse('One page of the trail', AuditPageSchema()),
          ...problemResponses(401, 403, 422),
        },
      }),
      async (c, { query }) => {
        const page = await readAuditTrail(deps, c.var.principal, {
          enquiry: query.enquiry,
          actor: query.actor,
          ...ukDateRange(query.from, query.to),
          limit: query.limit,
          cursor: query.cursor,
        });
        c.header('Cache-Control', 'no-store');
        return c.json({ items: page.items, nextCursor: page.cursor }, 200);
      },
    ),
  ];
}
