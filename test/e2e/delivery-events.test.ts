/**
 * What SES says after it accepts an email, end to end (the local SES endpoint publishes the mailbox
 * simulator's events on the default bus, as a configuration set does on AWS): a dead agency mailbox is
 * suppressed, the CSU is alerted once, the case goes back to triage and the next referral is not sent (that
 * case goes back to triage too); an enquirer's complaint stops further email to them, recorded as suppressed.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import { apiClient, type Schemas } from '../support/api-client.ts';
import {
  allEmails,
  anEnquiry,
  cloud,
  emailsFor,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

/** The email ledger's records about one enquiry, as the table holds them. */
async function emailRecords(reference: string): Promise<Record<string, unknown>[]> {
  const client = new DynamoDBClient({
    endpoint: cloud().dynamodb,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { Items = [] } = await DynamoDBDocumentClient.from(client).send(
      new QueryCommand({
        TableName: 'csp-local',
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :email)',
        ExpressionAttributeValues: { ':pk': `ENQUIRY#${reference}`, ':email': 'EMAIL#' },
      }),
    );
    return Items;
  } finally {
    client.destroy();
  }
}

/** An agency whose referral mailbox SES's simulator bounces, added as a CSU officer adds one. */
async function anAgencyWithADeadMailbox(marker: string): Promise<Schemas['Agency']> {
  const csu = apiClient(await staffToken('csu-officer'));
  const { data, response } = await csu.POST('/agencies', {
    body: {
      id: `dead-mailbox-${marker}`,
      name: `Dead Mailbox Trust ${marker}`,
      email: `bounce+${marker}@simulator.amazonses.com`,
    },
  });
  expect(response.status).toBe(201);
  return data!;
}

describe('a referral to a mailbox that bounces', () => {
  it('suppresses the address, alerts the CSU once, sends the case to triage, and holds back the next referral', async () => {
    const marker = randomUUID().slice(0, 8);
    const agency = await anAgencyWithADeadMailbox(marker);
    const csu = apiClient(await staffToken('csu-officer'));
    const enquiry = anEnquiry({ category: 'parking' });
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const caseOf = (reference: string) =>
      csu.GET('/enquiries/{reference}', { params: { path: { reference } } });
    const referTo = async (reference: string) => {
      const read = await caseOf(reference);
      const { response } = await csu.POST('/enquiries/{reference}/referrals', {
        params: { path: { reference }, header: { 'If-Match': read.response.headers.get('etag')! } },
        body: { agencyId: agency.id },
      });
      expect(response.status).toBeLessThan(300);
    };

    await referTo(body.reference);
    await waitForQuiet();

    const { data: view } = await caseOf(body.reference);
    const referral = view?.referrals.find((r) => r.agencyId === agency.id);
    expect(referral).toMatchObject({
      undelivered: { bounceType: 'Permanent' },
      email: { status: 'sent', delivery: { outcome: 'bounced', bounceType: 'Permanent' } },
    });
    expect(view?.needsTriage).toBe(true);
    expect(view?.timeline.map((entry) => entry.kind)).toContain('referral-undelivered');
    // The referral to the parking team, a live mailbox, was delivered.
    expect(view?.referrals.find((r) => r.agencyId === 'abc-parking')?.email.delivery?.outcome).toBe(
      'delivered',
    );
    const alerts = (await emailsFor(body.reference)).filter((email) =>
      email.subject.startsWith('Referral not delivered'),
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      destination: { to: [ASHFORD.partnership.csuMailbox] },
      subject: `Referral not delivered: ${body.reference} to ${agency.name}`,
    });
    const alertText = JSON.stringify(alerts[0]);
    for (const personal of [enquiry.name, enquiry.email, enquiry.description, agency.email]) {
      expect(alertText).not.toContain(personal);
    }

    // The next referral to the dead mailbox is recorded as suppressed, never sent.
    const next = await submitEnquiry(anEnquiry({ category: 'parking' }));
    await waitForQuiet();
    await referTo(next.body.reference);
    await waitForQuiet();

    const toDeadMailbox = (await allEmails()).filter((email) => email.destination.to.includes(agency.email));
    expect(toDeadMailbox).toHaveLength(1);
    // The agency would wait for it in silence: the case is back in triage, the referral undelivered, and the
    // CSU alerted once about this enquiry too.
    const { data: nextView } = await caseOf(next.body.reference);
    expect(nextView?.referrals.find((r) => r.agencyId === agency.id)).toMatchObject({
      undelivered: { bounceType: 'Suppressed' },
      email: { status: 'suppressed' },
    });
    expect(nextView?.needsTriage).toBe(true);
    expect(nextView?.timeline.map((entry) => entry.kind)).toContain('referral-undelivered');
    const nextAlerts = (await emailsFor(next.body.reference)).filter((email) =>
      email.subject.startsWith('Referral not delivered'),
    );
    expect(nextAlerts.map((email) => email.destination.to)).toEqual([[ASHFORD.partnership.csuMailbox]]);
  });
});

describe('an enquirer who complains about our email', () => {
  it('gets no further email from us', async () => {
    const marker = randomUUID().slice(0, 8);
    const address = `complaint+${marker}@simulator.amazonses.com`;
    const { body } = await submitEnquiry(
      anEnquiry({ category: 'parking', email: address, safeContact: { mayEmail: true, mayPhone: false } }),
    );
    await waitForQuiet();
    const csu = apiClient(await staffToken('csu-officer'));
    const reference = body.reference;
    const read = await csu.GET('/enquiries/{reference}', { params: { path: { reference } } });

    const update = await csu.POST('/enquiries/{reference}/updates', {
      params: { path: { reference }, header: { 'If-Match': read.response.headers.get('etag')! } },
      body: { message: 'We have passed this to the parking team.' },
    });
    await waitForQuiet();

    expect(update.response.status).toBe(201);
    const toThem = (await allEmails()).filter((email) => email.destination.to.includes(address));
    // The acknowledgement went (and drew the complaint); the update did not.
    expect(toThem.map((email) => email.subject)).toEqual([expect.stringContaining('we have received')]);
    // The mailer took the update on and recorded it suppressed, rather than never hearing of it.
    const ledger = await emailRecords(reference);
    expect(ledger.filter((item) => item.kind === 'public-update').map((item) => item.status)).toEqual([
      'suppressed',
    ]);
    expect(ledger.find((item) => item.kind === 'acknowledgement')).toMatchObject({
      status: 'sent',
      delivery: { outcome: 'complained' },
    });
  });
});
