/**
 * Safeguarding end to end: a domestic-abuse enquiry reaches only the CSU and the safeguarding agencies, by
 * emails that say nothing about the enquirer or what happened; the staff view holds everything; someone
 * reporting something happening now is told at once what to do.
 */
import { describe, expect, it } from 'vitest';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import { apiClient } from '../support/api-client.ts';
import {
  allEmails,
  anEnquiry,
  emailsFor,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

describe('a domestic-abuse enquiry', () => {
  it('is emailed to the CSU and safeguarding agencies without a word of what the enquirer sent', async () => {
    const marker = crypto.randomUUID().slice(0, 8);
    const enquiry = anEnquiry({
      category: 'domestic-abuse',
      description: `Quarrelsome${marker} husband smashed crockery bruised forearm yesterday`,
      name: `Robin Quietly${marker}`,
      email: `robin.${marker}@resident.example`,
      phone: '07700 900456',
      location: { postcode: 'TN24 8AB', address: `${marker} Hidden Lane` },
      happeningNow: true,
      safeContact: {
        mayEmail: true,
        mayPhone: true,
        mayLeaveVoicemail: false,
        safeTimes: `Weekdays 9-11am ${marker}`,
        preferredLanguage: 'Polish',
      },
    });

    const { status, body } = await submitEnquiry(enquiry);
    await waitForQuiet();

    expect(status).toBe(201);
    expect(body).toMatchObject({ urgentAdvice: { emergencyNumber: '999', urgentPhone: '01233 331111' } });
    const referrals = (await emailsFor(body.reference)).filter(
      (e) => !e.destination.to.includes(enquiry.email),
    );
    const safeguarding = ASHFORD.agencies.filter((a) => a.safeguarding).map((a) => a.email);
    const routedTo = ASHFORD.routing.find((r) => r.category === 'domestic-abuse')!.agencyIds;
    const expected = [
      ASHFORD.partnership.csuMailbox,
      ...ASHFORD.agencies
        .filter((a) => routedTo.includes(a.id) && safeguarding.includes(a.email))
        .map((a) => a.email),
    ];
    expect(referrals.flatMap((e) => e.destination.to).sort()).toEqual(expected.sort());
    const secrets = [
      ...enquiry.description.split(' '),
      enquiry.name,
      enquiry.email,
      '07700 900456',
      '07700900456',
      'TN24 8AB',
      'TN248AB',
      'Hidden Lane',
      marker,
      'Polish',
      'domestic',
      'Domestic',
      'abuse',
    ];
    for (const email of referrals) {
      expect(email.subject).toBe(`Enquiry ${body.reference} needs your attention`);
      for (const part of [email.subject, email.body.text ?? '', email.body.html ?? '']) {
        for (const secret of secrets) expect(part).not.toContain(secret);
      }
    }

    // The CSU officer the link leads to sees everything.
    const csu = apiClient(await staffToken('csu-officer'));
    const staffView = await csu.GET('/enquiries/{reference}', {
      params: { path: { reference: body.reference } },
    });
    expect(staffView.data?.sensitive).toBe(true);
    expect(staffView.data?.enquiry.description).toBe(enquiry.description);
    expect(staffView.data?.enquiry.contact.name).toBe(enquiry.name);
    expect(staffView.data?.enquiry.safeContact).toEqual(enquiry.safeContact);
  });

  it('is not given urgent advice in the 201 when nothing is happening now', async () => {
    const { body } = await submitEnquiry(anEnquiry({ category: 'domestic-abuse', happeningNow: false }));

    expect(body).not.toHaveProperty('urgentAdvice');
  });
});

describe('acknowledgements to one address', () => {
  it('are sent three times in a day; the fourth enquiry is stored and routed, and says it was not acknowledged', async () => {
    const email = `flooded.${crypto.randomUUID().slice(0, 8)}@resident.example`;

    const responses = [];
    for (let i = 0; i < 4; i++)
      responses.push(await submitEnquiry(anEnquiry({ category: 'parking', email })));
    await waitForQuiet();

    expect(responses.map((r) => [r.status, r.body.acknowledgement])).toEqual([
      [201, 'requested'],
      [201, 'requested'],
      [201, 'requested'],
      [201, 'limited'],
    ]);
    const acknowledgements = (await allEmails()).filter((e) => e.destination.to.includes(email));
    expect(acknowledgements).toHaveLength(3);
    expect(acknowledgements.map((e) => e.subject).join()).not.toContain(responses[3]!.body.reference);
    // The fourth is routed like any other: its referrals went out.
    expect((await emailsFor(responses[3]!.body.reference)).length).toBeGreaterThan(0);
    // Each acknowledgement links the partnership's privacy notice, which /partnership publishes too.
    const { privacyNoticeUrl } = (await apiClient().GET('/partnership')).data ?? {};
    expect(privacyNoticeUrl).toBe(ASHFORD.partnership.privacyNoticeUrl);
    for (const acknowledgement of acknowledgements)
      expect(acknowledgement.body.text).toContain(privacyNoticeUrl);
  });
});

describe('text that could make a line read differently from what it holds', () => {
  it('is refused in an enquiry’s address with a problem naming the field, while line breaks are kept', async () => {
    const submit = (address: string) =>
      apiClient().POST('/enquiries', { body: { ...anEnquiry(), location: { address } } });

    const refused = await Promise.all(
      ['1 High Street\u202eAshford', '1 High Street\u2066Ashford\u2069', '1 High Street\u2028Ashford'].map(
        submit,
      ),
    );
    const accepted = await submit('1 High Street\r\nAshford');

    for (const { response, error } of refused) {
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(error?.errors?.map((e) => e.field)).toContain('location.address');
    }
    expect(accepted.response.status).toBe(201);
  });

  it('is refused in an action’s title, which is one line', async () => {
    const admin = apiClient(await staffToken('partnership-admin'));
    const addAction = (title: string) =>
      admin.POST('/action-plan', {
        body: {
          planYear: '2031-32',
          priority: 1,
          title,
          leadOrganisationId: 'kent-police',
          dueOn: '2032-03-31',
        },
      });

    const refused = await Promise.all(
      ['Patrols\nBcc: everyone', 'Patrols \u202eslortap', 'Patrols\u2029at night'].map(addAction),
    );

    for (const { response, error } of refused) {
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(error?.errors?.map((e) => e.field)).toContain('title');
    }
  });
});
