import type { CaseListing } from '../casework.ts';
import { type OverdueDigestItem, overdueDigestEmail } from '../casework-emails.ts';
import type { CaseListQuery, CaseRepository } from '../casework-ports.ts';
import { ukDate } from '../dates.ts';
import { caseUrl, OPEN_STATUSES } from '../enquiry.ts';
import { ReferenceDataMissing } from '../errors.ts';
import { CSU_RECIPIENT_ID } from '../partnership.ts';
import type { Clock, EmailLedger, Mailer, PersonalDataHasher, ReferenceDataRepository } from '../ports.ts';
import { calendarDaysOverdue, isWorkingDay } from '../working-days.ts';
import type { SendEmailResult } from './send-enquiry-email.ts';
import { sendOnce } from './send-enquiry-email.ts';

export interface SendOverdueDigestsDeps {
  readonly cases: Pick<CaseRepository, 'listCases'>;
  readonly referenceData: Pick<ReferenceDataRepository, 'getPartnership' | 'listAgencies' | 'listCategories'>;
  readonly ledger: EmailLedger;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly sender: string;
  /** Keys the hash by which a recipient is looked up on the suppression list. */
  readonly personalData: PersonalDataHasher;
  /** Base of the staff API, for links to each case. */
  readonly publicApiUrl: string;
}

export type OverdueDigestsResult =
  | { readonly outcome: 'not-a-working-day'; readonly date: string }
  | {
      readonly outcome: 'ran';
      readonly date: string;
      /** Recipient id → what happened to its digest; recipients with nothing overdue are absent. */
      readonly digests: Readonly<Record<string, SendEmailResult['outcome']>>;
      /** Recipients whose digest could not be sent; the scheduler's retry sends them (and only them). */
      readonly failed: readonly string[];
    };

/**
 * Emails each agency one digest of its overdue referrals, and the CSU one digest of every overdue case, for the
 * UK working day of `at`: references, categories, days overdue and links, never personal data. Each digest
 * goes once per recipient per day however often this runs (the email ledger), so a retried or late run only
 * sends what is missing; nobody with nothing overdue gets an email.
 */
export async function sendOverdueDigests(
  deps: SendOverdueDigestsDeps,
  input: { at: Date },
): Promise<OverdueDigestsResult> {
  const date = ukDate(input.at);
  if (!isWorkingDay(date)) return { outcome: 'not-a-working-day', date };
  const [partnership, agencies, categories] = await Promise.all([
    deps.referenceData.getPartnership(),
    deps.referenceData.listAgencies(),
    deps.referenceData.listCategories(),
  ]);
  if (!partnership) throw new ReferenceDataMissing('partnership record');
  const titles = new Map(categories.map((c) => [c.code, c.title]));
  const overdueAt = input.at.toISOString();
  const itemOf = (listing: CaseListing, what: OverdueDigestItem['what']): OverdueDigestItem => ({
    reference: listing.reference,
    // A digest is an email: a sensitive case is not named by its category there either.
    categoryTitle: listing.sensitive
      ? 'Sensitive enquiry'
      : (titles.get(listing.category) ?? listing.category),
    what,
    dueBy: String(listing.attentionBy),
    daysOverdue: calendarDaysOverdue(new Date(String(listing.attentionBy)), input.at),
    caseUrl: caseUrl(deps.publicApiUrl, listing.reference),
  });

  const recipients = [
    {
      id: CSU_RECIPIENT_ID,
      name: partnership.csuName,
      email: partnership.csuMailbox,
      // The CSU's listing is due at its earliest deadline: the case's closure, or a referral's acceptance.
      items: (await everyOverdue(deps, { statuses: OPEN_STATUSES, overdueAt })).map((listing) =>
        itemOf(listing, listing.attentionBy === listing.dueBy ? 'closure' : 'acceptance'),
      ),
    },
    ...(await Promise.all(
      agencies.map(async (agency) => ({
        id: agency.id,
        name: agency.name,
        email: agency.email,
        // In an agency's listing the deadline is its own: accepting, then (once accepted) the closure.
        items: (
          await everyOverdue(deps, { statuses: OPEN_STATUSES, agencyId: agency.id, overdueAt })
        ).map((listing) =>
          itemOf(
            listing,
            listing.agencies.find((a) => a.agencyId === agency.id)?.status === 'sent'
              ? 'acceptance'
              : 'closure',
          ),
        ),
      })),
    )),
  ];

  const digests: Record<string, SendEmailResult['outcome']> = {};
  const failed: string[] = [];
  for (const recipient of recipients) {
    if (recipient.items.length === 0) continue;
    try {
      const result = await sendOnce(
        deps,
        { topic: `DIGEST#${date}`, kind: 'overdue-digest', recipientId: recipient.id },
        {
          to: recipient.email,
          replyTo: partnership.csuMailbox,
          content: overdueDigestEmail({
            recipientName: recipient.name,
            date,
            partnership,
            items: recipient.items,
          }),
        },
      );
      digests[recipient.id] = result.outcome;
    } catch {
      // One mailbox failing must not hold back the others' digests.
      failed.push(recipient.id);
    }
  }
  return { outcome: 'ran', date, digests, failed };
}

/** Every overdue listing of a query, page after page. */
async function everyOverdue(
  deps: Pick<SendOverdueDigestsDeps, 'cases'>,
  query: Omit<CaseListQuery, 'limit' | 'cursor'>,
): Promise<CaseListing[]> {
  const listings: CaseListing[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.cases.listCases({ ...query, limit: 100, cursor });
    listings.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return listings;
}
