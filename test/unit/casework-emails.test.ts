import { describe, expect, it } from 'vitest';
import {
  closureEmail,
  type OverdueDigestItem,
  overdueDigestEmail,
  publicUpdateEmail,
  referralDeclinedEmail,
} from '../../functions/domain/casework-emails.ts';
import { CLOSURE_OUTCOMES, CLOSURE_REASONS } from '../../functions/domain/casework-vocabulary.ts';

const partnership = {
  csuName: 'Ashford Community Safety Unit',
  urgentPhone: '01233 331111',
  urgentPhoneHours: 'weekends',
};
const reference = 'CSU-2026-000042';
const statusUrl = 'https://api.example/enquiries/CSU-2026-000042/status?token=a&b';

function expectEnquirerBasics(email: { subject: string; text: string; html: string }): void {
  expect(email.subject).not.toMatch(/[\r\n]/);
  for (const part of [email.text, email.html]) {
    expect(part).toContain(reference);
    expect(part).toContain('call 999');
    expect(part).toContain('call 01233 331111 (weekends)');
  }
  expect(email.text).toContain(statusUrl);
  expect(email.html).toContain('href="https://api.example/enquiries/CSU-2026-000042/status?token=a&amp;b"');
  // Nothing in our fixed wording may hint at what the enquiry was about.
  expect(`${email.subject}\n${email.text}\n${email.html}`).not.toMatch(
    /abuse|domestic|category|description/i,
  );
}

describe('publicUpdateEmail', () => {
  const anUpdate = (message: string) => publicUpdateEmail({ reference, message, partnership, statusUrl });

  it('has the exact subject and carries reference, status link and emergency advice', () => {
    const email = anUpdate('We have passed your enquiry to the council.');

    expect(email.subject).toBe('Ashford Community Safety Unit: an update on your enquiry CSU-2026-000042');
    expect(email.text).toContain('We have passed your enquiry to the council.');
    expectEnquirerBasics(email);
  });

  it('escapes the message in HTML and keeps its line breaks', () => {
    const email = anUpdate('First line <script>alert(1)</script>\r\nSecond line & "more"');

    expect(email.html).toContain(
      'First line &lt;script&gt;alert(1)&lt;/script&gt;<br>\nSecond line &amp; &quot;more&quot;',
    );
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain('First line <script>alert(1)</script>\nSecond line & "more"');
    expect(email.text).not.toContain('\r');
  });

  it('refuses a blank message', () => {
    expect(() => anUpdate('  \n ')).toThrow(/message/);
  });

  it('takes no category or description', () => {
    publicUpdateEmail({
      reference,
      message: 'Hello',
      partnership,
      statusUrl,
      // @ts-expect-error: the enquirer's emails must not be able to name the category
      category: 'Domestic abuse',
    });
  });
});

describe('closureEmail', () => {
  it('has the exact subject and carries reference, status link and emergency advice', () => {
    const email = closureEmail({ reference, reason: 'resolved', partnership, statusUrl });

    expect(email.subject).toBe('Ashford Community Safety Unit: your enquiry CSU-2026-000042 is closed');
    expect(email.text).toContain('reply to this email and quote your reference CSU-2026-000042');
    expectEnquirerBasics(email);
  });

  it('states the outcome in plain words for the reason', () => {
    const resolved = closureEmail({ reference, reason: 'resolved', partnership, statusUrl });
    const withdrawn = closureEmail({ reference, reason: 'withdrawn', partnership, statusUrl });

    expect(resolved.text).toContain('The agencies involved have dealt with the matter you raised.');
    expect(resolved.html).toContain('The agencies involved have dealt with the matter you raised.');
    expect(withdrawn.text).toContain('Your enquiry was withdrawn.');
    expect(withdrawn.text).not.toContain('dealt with the matter');
  });

  it('has an outcome for every reason', () => {
    for (const reason of CLOSURE_REASONS) {
      const email = closureEmail({ reference, reason, partnership, statusUrl });

      expect(email.text).toContain(CLOSURE_OUTCOMES[reason]);
    }
  });

  it('includes the staff message only when given, escaped and multi-line', () => {
    const without = closureEmail({ reference, reason: 'no-further-action', partnership, statusUrl });
    const withMessage = closureEmail({
      reference,
      reason: 'no-further-action',
      message: 'Thank you <b>for</b> telling us.\nTake care.',
      partnership,
      statusUrl,
    });

    expect(without.text).not.toContain('Message from');
    expect(withMessage.text).toContain(
      'Message from the Ashford Community Safety Unit:\nThank you <b>for</b> telling us.\nTake care.',
    );
    expect(withMessage.html).toContain('Thank you &lt;b&gt;for&lt;/b&gt; telling us.<br>\nTake care.');
    expect(withMessage.html).not.toContain('<b>for');
    expectEnquirerBasics(withMessage);
  });
});

describe('referralDeclinedEmail', () => {
  const email = referralDeclinedEmail({
    reference,
    agencyName: 'Kent Police',
    reason: 'insufficient-information',
    caseUrl: 'https://staff.example/cases/CSU-2026-000042?tab=history&x=1',
    partnership,
  });

  it('has the exact subject', () => {
    expect(email.subject).toBe('Referral declined: CSU-2026-000042 by Kent Police');
  });

  it('gives the reason label and a link to the case', () => {
    expect(email.text).toContain('Reason: Not enough information to act on');
    expect(email.text).toContain('Declined by: Kent Police');
    expect(email.text).toContain('https://staff.example/cases/CSU-2026-000042?tab=history&x=1');
    expect(email.html).toContain('Not enough information to act on');
    expect(email.html).toContain('href="https://staff.example/cases/CSU-2026-000042?tab=history&amp;x=1"');
    expect(email.text).toContain('triage');
  });
});

describe('overdueDigestEmail', () => {
  function anItem(overrides: Partial<OverdueDigestItem> = {}): OverdueDigestItem {
    return {
      reference,
      categoryTitle: 'Anti-social behaviour',
      what: 'acceptance',
      dueBy: '2026-11-23T10:00:00.000Z',
      daysOverdue: 3,
      caseUrl: `https://staff.example/cases/${overrides.reference ?? reference}`,
      ...overrides,
    };
  }
  const digest = (items: readonly OverdueDigestItem[]) =>
    overdueDigestEmail({ recipientName: 'Kent Police', date: '2026-11-26', partnership, items });

  it('names the count and the long UK date in the subject, singular and plural', () => {
    expect(digest([anItem()]).subject).toBe(
      'Ashford Community Safety Unit: 1 overdue enquiry on Thursday 26 November 2026',
    );
    expect(digest([anItem(), anItem({ reference: 'CSU-2026-000043' })]).subject).toBe(
      'Ashford Community Safety Unit: 2 overdue enquiries on Thursday 26 November 2026',
    );
  });

  it('keeps the calendar date in summer time', () => {
    const email = overdueDigestEmail({
      recipientName: 'CSU',
      date: '2026-07-01',
      partnership,
      items: [anItem()],
    });

    expect(email.subject).toContain('on Wednesday 1 July 2026');
  });

  it('lists most overdue first, then by reference, in text and HTML', () => {
    const email = digest([
      anItem({ reference: 'CSU-2026-000003', daysOverdue: 1 }),
      anItem({ reference: 'CSU-2026-000002', daysOverdue: 5 }),
      anItem({ reference: 'CSU-2026-000001', daysOverdue: 1 }),
      anItem({ reference: 'CSU-2026-000004', daysOverdue: 5 }),
    ]);
    const expected = ['CSU-2026-000002', 'CSU-2026-000004', 'CSU-2026-000001', 'CSU-2026-000003'];

    for (const part of [email.text, email.html]) {
      const positions = expected.map((ref) => part.indexOf(ref));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it('says what is overdue, when it was due and by how many days', () => {
    const email = digest([
      anItem({ reference: 'CSU-2026-000001', what: 'acceptance', daysOverdue: 1 }),
      anItem({
        reference: 'CSU-2026-000002',
        what: 'closure',
        daysOverdue: 2,
        dueBy: '2026-11-24T08:16:00.000Z',
      }),
    ]);

    expect(email.text).toContain(
      'CSU-2026-000002: Anti-social behaviour\nNot yet closed, due by Tuesday 24 November 2026 at 08:16 (UK time), 2 days overdue\nhttps://staff.example/cases/CSU-2026-000002',
    );
    expect(email.text).toContain('Not yet accepted');
    expect(email.text).toContain('1 day overdue');
    expect(email.text).not.toContain('1 days');
    expect(email.html).toContain('<td>1 day overdue</td>');
    expect(email.html).toContain('<td>2 days overdue</td>');
    expect(email.html).toContain('<td>Not yet closed</td>');
    expect(email.html).toContain('href="https://staff.example/cases/CSU-2026-000001"');
  });

  it('uses a real table with a caption and column headers, escaping values', () => {
    const email = digest([anItem({ categoryTitle: 'Noise <& nuisance>' })]);

    expect(email.html).toContain('<caption>');
    expect(email.html).toContain('<th scope="col"');
    expect(email.html).toContain('Noise &lt;&amp; nuisance&gt;');
    expect(email.html).not.toContain('<& nuisance>');
  });

  it('does not reorder the caller’s array', () => {
    const items = [anItem({ reference: 'CSU-2026-000001', daysOverdue: 1 }), anItem({ daysOverdue: 9 })];

    digest(items);

    expect(items.map((i) => i.reference)).toEqual(['CSU-2026-000001', reference]);
  });

  it('refuses an empty digest', () => {
    expect(() => digest([])).toThrow(/at least one/);
  });
});
