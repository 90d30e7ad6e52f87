import type { RoutedRecipient } from './enquiry.ts';
import { type Agency, CSU_RECIPIENT_ID, type Partnership, type RoutingRule } from './partnership.ts';

/** One mailbox an enquiry is sent to. */
export type Recipient = RoutedRecipient;

/**
 * Decides who receives an enquiry: the agencies the routing rule names, plus the CSU mailbox, always.
 * Agencies named by the rule but no longer on record, or no longer active, are skipped (the CSU still gets the enquiry, so
 * nothing is lost), and so, for a sensitive category, is any agency not marked `safeguarding`; duplicates and
 * an agency sharing the CSU mailbox collapse into one recipient.
 */
export function decideRecipients(
  rule: RoutingRule | undefined,
  agencies: ReadonlyMap<string, Agency>,
  partnership: Pick<Partnership, 'csuName' | 'csuMailbox'>,
  sensitive = false,
): { recipients: Recipient[]; missingAgencyIds: string[]; notSafeguardingAgencyIds: string[] } {
  const recipients: Recipient[] = [
    { id: CSU_RECIPIENT_ID, name: partnership.csuName, email: partnership.csuMailbox },
  ];
  const seenEmails = new Set([partnership.csuMailbox.toLowerCase()]);
  const missingAgencyIds: string[] = [];
  const notSafeguardingAgencyIds: string[] = [];
  for (const id of rule?.agencyIds ?? []) {
    const agency = agencies.get(id);
    if (!agency || agency.active === false) {
      missingAgencyIds.push(id);
      continue;
    }
    if (sensitive && !agency.safeguarding) {
      notSafeguardingAgencyIds.push(id);
      continue;
    }
    const key = agency.email.toLowerCase();
    if (seenEmails.has(key)) continue;
    seenEmails.add(key);
    recipients.push({ id: agency.id, name: agency.name, email: agency.email });
  }
  return { recipients, missingAgencyIds, notSafeguardingAgencyIds };
}
