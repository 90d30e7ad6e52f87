/** A case as staff see it, in the API (`GET /enquiries/{reference}`) and in the console's case page. */
import { allowedTransitions, listingOf, summaryAt, timelineOf } from '../domain/casework.ts';
import type { CaseRecord } from '../domain/casework-ports.ts';
import type { StaffPrincipal } from '../domain/staff.ts';

/** The case as staff see it, in the API and the console. */
export function caseView(record: CaseRecord, principal: StaffPrincipal, now: Date) {
  const { enquiry } = record;
  return {
    reference: enquiry.reference,
    category: enquiry.category,
    sensitive: enquiry.sensitive,
    status: enquiry.status,
    allowedTransitions: allowedTransitions(enquiry.status, principal),
    receivedAt: enquiry.receivedAt,
    updatedAt: enquiry.updatedAt,
    dueBy: enquiry.dueBy,
    overdue: summaryAt(listingOf(enquiry), now).overdue,
    needsTriage: enquiry.needsTriage,
    assignedTo: enquiry.assignedTo,
    enquiry: {
      description: enquiry.description,
      happeningNow: enquiry.happeningNow,
      contact: enquiry.contact,
      safeContact: enquiry.safeContact,
      location: enquiry.location,
      // Which Open311 client sent it on the enquirer's behalf, when one did.
      ...(enquiry.source ? { source: enquiry.source } : {}),
    },
    referrals: enquiry.referrals.map((referral) => {
      const email = record.emails.find((e) => e.kind === 'referral' && e.recipientId === referral.agencyId);
      return {
        ...referral,
        email: email
          ? { status: email.status, sentAt: email.sentAt, delivery: email.delivery }
          : { status: 'pending' as const },
      };
    }),
    closure: enquiry.closure,
    publicUpdates: enquiry.publicUpdates,
    timeline: timelineOf(enquiry, record.timeline),
    notes: record.notes,
  };
}

/** The case as staff see it. */
export type CaseView = ReturnType<typeof caseView>;
