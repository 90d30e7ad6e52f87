import { describe, expect, it } from 'vitest';
import {
  acknowledgementEmail,
  agencyEmail,
  escapeHtml,
  sensitiveReferralEmail,
  ukDateTime,
} from '../../functions/domain/email-content.ts';
import type { Enquiry } from '../../functions/domain/enquiry.ts';
import { aStoredEnquiry } from '../support/enquiries.ts';

const partnership = {
  csuName: 'Ashford Community Safety Unit',
  urgentPhone: '01233 331111',
  urgentPhoneHours: 'weekends',
};

function anEnquiry(overrides: Partial<Enquiry> = {}): Enquiry {
  return aStoredEnquiry({
    category: 'anti-social-behaviour',
    description: 'Loud music <every> night & "parties"',
    contact: { name: 'Sam', email: 'sam@resident.example', phone: '01233 000000' },
    location: { postcode: 'TN23 1PL', address: '1 High St' },
    safeContact: { mayEmail: true, mayPhone: true },
    ...overrides,
  });
}

describe('acknowledgementEmail', () => {
  const ack = acknowledgementEmail({
    reference: 'CSU-2026-000042',
    partnership,
    statusUrl: 'https://api.example/enquiries/CSU-2026-000042/status?token=a&b',
  });

  it('links the partnership’s privacy notice when it has one', () => {
    const withNotice = acknowledgementEmail({
      reference: 'CSU-2026-000042',
      partnership: { ...partnership, privacyNoticeUrl: 'https://www.ashford.example/privacy' },
      statusUrl: 'https://api.example/status',
    });

    expect(withNotice.text).toContain(
      'How we use and protect your information: https://www.ashford.example/privacy',
    );
    expect(withNotice.html).toContain('<a href="https://www.ashford.example/privacy">');
    expect(ack.text).not.toContain('How we use');
  });

  it('gives the reference, emergency advice, the urgent number and the status link', () => {
    expect(ack.subject).toContain('CSU-2026-000042');
    expect(ack.text).toContain('call 999');
    expect(ack.text).toContain('call 01233 331111 (weekends)');
    expect(ack.text).toContain('https://api.example/enquiries/CSU-2026-000042/status?token=a&b');
    expect(ack.html).toContain('href="https://api.example/enquiries/CSU-2026-000042/status?token=a&amp;b"');
  });

  it('has a single-line subject', () => {
    expect(ack.subject).not.toMatch(/[\r\n]/);
  });
});

describe('agencyEmail', () => {
  it('carries reference, category, location and description, escaped in HTML', () => {
    const email = agencyEmail({
      caseUrl: 'https://api.example/console/cases/CSU-2026-000042',
      enquiry: anEnquiry(),
      category: { title: 'Anti-social behaviour', sensitive: false },
      recipientName: 'Kent Police',
      partnership,
    });

    expect(email.subject).toBe('New enquiry CSU-2026-000042: Anti-social behaviour');
    expect(email.text).toContain('Location: 1 High St, TN23 1PL');
    expect(email.text).toContain('Loud music <every> night & "parties"');
    expect(email.html).toContain('Loud music &lt;every&gt; night &amp; &quot;parties&quot;');
    expect(email.html).not.toContain('<every>');
    // The agency answers the referral in the console, where the link leads after sign-in.
    expect(email.text).toContain('sign-in required): https://api.example/console/cases/CSU-2026-000042');
    expect(email.html).toContain(
      '<a href="https://api.example/console/cases/CSU-2026-000042">Open the case</a>',
    );
  });

  it('shows contact channels only where the enquirer consented', () => {
    const email = agencyEmail({
      caseUrl: 'https://api.example/console/cases/CSU-2026-000042',
      enquiry: anEnquiry({ safeContact: { mayEmail: false, mayPhone: true } }),
      category: { title: 'Violence', sensitive: false },
      recipientName: 'Kent Police',
      partnership,
    });

    expect(email.text).toContain('Phone: 01233 000000');
    expect(email.text).toContain('Email: Not shared (no consent to email)');
    expect(email.text).not.toContain('sam@resident.example');
  });

  it('hides the name too when no channel may be used', () => {
    const email = agencyEmail({
      caseUrl: 'https://api.example/console/cases/CSU-2026-000042',
      enquiry: anEnquiry({ safeContact: { mayEmail: false, mayPhone: false } }),
      category: { title: 'Violence', sensitive: false },
      recipientName: 'Kent Police',
      partnership,
    });

    expect(email.text).toContain('Name: Not shared');
    expect(email.text).not.toContain('Sam');
  });

  it('warns about safe contact in sensitive categories and flags urgency in the subject', () => {
    const email = agencyEmail({
      caseUrl: 'https://api.example/console/cases/CSU-2026-000042',
      enquiry: anEnquiry({ happeningNow: true }),
      category: { title: 'Domestic abuse', sensitive: true },
      recipientName: 'Kent Police',
      partnership,
    });

    expect(email.subject).toBe('URGENT (happening now): New enquiry CSU-2026-000042: Domestic abuse');
    expect(email.text).toContain('sensitive category');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;',
    );
  });
});

describe('ukDateTime', () => {
  it('shows UK time, GMT in winter and BST in summer', () => {
    expect(ukDateTime('2026-11-26T08:16:04.000Z')).toBe('Thursday 26 November 2026 at 08:16 (UK time)');
    expect(ukDateTime('2026-07-01T08:16:04.000Z')).toBe('Wednesday 1 July 2026 at 09:16 (UK time)');
  });
});

describe('sensitiveReferralEmail', () => {
  const enquiry = anEnquiry({
    category: 'domestic-abuse',
    description: 'My partner hits me when he drinks',
    contact: { name: 'Alex Hidden', email: 'alex.hidden@resident.example', phone: '07700 900999' },
    location: { postcode: 'TN24 8AB', address: '42 Hidden Lane' },
    happeningNow: true,
  });
  const email = sensitiveReferralEmail({
    enquiry,
    recipientName: 'Kent Police',
    caseUrl: 'https://api.example/enquiries/CSU-2026-000042',
    partnership,
  });

  it('says only that an enquiry needs attention, when it came, whether it is happening now, and where to open it', () => {
    expect(email.subject).toBe('Enquiry CSU-2026-000042 needs your attention');
    expect(email.text).toContain('Happening now: Yes');
    expect(email.text).toContain('Thursday 26 November 2026 at 10:00 (UK time)');
    expect(email.html).toContain('href="https://api.example/enquiries/CSU-2026-000042"');
  });

  it('carries no personal data, no description and no category', () => {
    for (const part of [email.subject, email.text, email.html]) {
      for (const secret of [
        'Alex Hidden',
        'alex.hidden@resident.example',
        '07700 900999',
        'TN24 8AB',
        '42 Hidden Lane',
        'partner hits',
        'domestic',
        'Domestic abuse',
      ]) {
        expect(part).not.toContain(secret);
      }
    }
  });
});

describe('agencyEmail with structured safe contact', () => {
  it('tells the agency when it is safe to call, whether to leave a message, and the language', () => {
    const email = agencyEmail({
      caseUrl: 'https://api.example/console/cases/CSU-2026-000042',
      enquiry: anEnquiry({
        contact: { name: 'Sam', phone: '01233 000000' },
        safeContact: {
          mayEmail: false,
          mayPhone: true,
          mayLeaveVoicemail: false,
          safeTimes: 'Weekday mornings before 11am',
          preferredLanguage: 'Polish',
        },
      }),
      category: { title: 'Anti-social behaviour', sensitive: false },
      recipientName: 'Wardens',
      partnership,
    });

    expect(email.text).toContain('Voicemail: Do not leave a message');
    expect(email.text).toContain('Safe times to contact: Weekday mornings before 11am');
    expect(email.text).toContain('Preferred language: Polish');
  });
});
