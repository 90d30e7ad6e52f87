import { describe, expect, it } from 'vitest';
import type { Agency } from '../../functions/domain/partnership.ts';
import { decideRecipients } from '../../functions/domain/routing.ts';

const partnership = { csuName: 'Ashford Community Safety Unit', csuMailbox: 'csu@ashford.example' };
const agencies = (...list: Agency[]) => new Map(list.map((a) => [a.id, a]));
const police: Agency = { id: 'police', name: 'Kent Police', email: 'police@kent.example' };
const wardens: Agency = { id: 'wardens', name: 'Wardens', email: 'wardens@kent.example' };

describe('decideRecipients', () => {
  it('sends to the CSU mailbox first, then each agency of the rule', () => {
    const { recipients } = decideRecipients(
      { category: 'asb', agencyIds: ['police', 'wardens'] },
      agencies(police, wardens),
      partnership,
    );

    expect(recipients.map((r) => r.email)).toEqual([
      'csu@ashford.example',
      'police@kent.example',
      'wardens@kent.example',
    ]);
    expect(recipients[0]).toMatchObject({ id: 'csu', name: 'Ashford Community Safety Unit' });
  });

  it('still sends to the CSU when the category has no rule or no agencies', () => {
    expect(decideRecipients(undefined, agencies(police), partnership).recipients.map((r) => r.id)).toEqual([
      'csu',
    ]);
    expect(
      decideRecipients({ category: 'general', agencyIds: [] }, agencies(police), partnership).recipients.map(
        (r) => r.id,
      ),
    ).toEqual(['csu']);
  });

  it('skips and reports agencies the rule names that are no longer on record', () => {
    const result = decideRecipients(
      { category: 'asb', agencyIds: ['police', 'gone'] },
      agencies(police),
      partnership,
    );

    expect(result.recipients.map((r) => r.id)).toEqual(['csu', 'police']);
    expect(result.missingAgencyIds).toEqual(['gone']);
  });

  it('never sends the same mailbox twice, whatever the case of the address', () => {
    const sharesCsuMailbox: Agency = { id: 'abc', name: 'ABC', email: 'CSU@Ashford.example' };
    const policeAgain: Agency = { id: 'police-2', name: 'Police again', email: 'police@kent.example' };

    const { recipients } = decideRecipients(
      { category: 'asb', agencyIds: ['police', 'abc', 'police-2', 'police'] },
      agencies(police, sharesCsuMailbox, policeAgain),
      partnership,
    );

    expect(recipients.map((r) => r.id)).toEqual(['csu', 'police']);
  });

  it('sends a sensitive enquiry only to safeguarding agencies (and the CSU), reporting the others', () => {
    const safeguardingPolice: Agency = { ...police, safeguarding: true };
    const rule = { category: 'domestic-abuse', agencyIds: ['police', 'wardens'] };

    const sensitive = decideRecipients(rule, agencies(safeguardingPolice, wardens), partnership, true);
    const ordinary = decideRecipients(rule, agencies(safeguardingPolice, wardens), partnership, false);

    expect(sensitive.recipients.map((r) => r.id)).toEqual(['csu', 'police']);
    expect(sensitive.notSafeguardingAgencyIds).toEqual(['wardens']);
    expect(ordinary.recipients.map((r) => r.id)).toEqual(['csu', 'police', 'wardens']);
    expect(ordinary.notSafeguardingAgencyIds).toEqual([]);
  });
});
