import type { ChairRotated } from '../../events/chair-rotated.ts';
import { chairRotatedEmail } from '../email-content.ts';
import { ReferenceDataMissing } from '../errors.ts';
import { membershipOn } from '../governance.ts';
import type { GovernanceRepository } from '../governance-ports.ts';
import { type SendOnceDeps, sendOnce } from './send-enquiry-email.ts';

export interface ChairRotationNoticeDeps extends SendOnceDeps {
  readonly governance: Pick<GovernanceRepository, 'getProfile' | 'listOrganisations'>;
}

/**
 * Emails every representative of every partner (statutory, other and invited, on the day the term starts)
 * about the new chair, each once. Every representative is tried even if one fails; the failure is then
 * thrown so the message is retried, and those already sent are skipped by the ledger.
 */
export async function sendChairRotationNotices(
  deps: ChairRotationNoticeDeps,
  term: ChairRotated,
): Promise<{ sent: number; alreadySent: number; suppressed: number }> {
  const [profile, organisations] = await Promise.all([
    deps.governance.getProfile(),
    deps.governance.listOrganisations(),
  ]);
  if (!profile) throw new ReferenceDataMissing('partnership profile');
  const names = new Map(organisations.map((o) => [o.id, o.name]));
  const partners = organisations.filter((o) => membershipOn(o, term.startsOn) !== undefined);
  let sent = 0;
  let alreadySent = 0;
  let suppressed = 0;
  const failures: unknown[] = [];
  for (const representative of partners.flatMap((o) => o.representatives)) {
    const content = chairRotatedEmail({
      partnershipName: profile.name,
      recipientName: representative.name,
      chairName: names.get(term.organisationId) ?? term.organisationId,
      previousChairName: term.previousOrganisationId ? names.get(term.previousOrganisationId) : undefined,
      startsOn: term.startsOn,
      endsOn: term.endsOn,
    });
    try {
      const result = await sendOnce(
        deps,
        { topic: `CHAIR_TERM#${term.startsOn}`, kind: 'chair-rotation', recipientId: representative.id },
        { to: representative.email, replyTo: profile.csuMailbox, content },
      );
      if (result.outcome === 'sent') sent += 1;
      else if (result.outcome === 'suppressed') suppressed += 1;
      else alreadySent += 1;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return { sent, alreadySent, suppressed };
}
