/**
 * What SES says after it accepts an email, end to end (the local SES endpoint publishes the mailbox
 * simulator's events on the default bus, as a configuration set does on AWS): a dead agency mailbox is
 * suppressed, the CSU is alerted once, the case goes back to triage and the next referral is not sent; an
 * enquirer's complaint stops further email to them.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/clients/dynamodb.ts';
import { keys } from '../../functions/adapters/table-keys.ts';
import { LOCAL_TABLE_NAME } from '../../local/dynamodb-local.ts';
import { ASHFORD } from '../../scripts/seed/ashford.ts';
import {
  allEmails,
  anEnquiry,
  callApi,
  cloud,
  emailsFor,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

interface CaseView {
  needsTriage: boolean;
  referrals: {
    agencyId: string;
    undelivered?: { bounceType: string };
    email: { status: string; delivery?: { outcome: string; bounceType?: string } };
  }[];
  timeline: { kind: string; details: Record<string, unknown> }[];
}

/** An agency whose referral mailbox SES's simulator bounces: there is no agency API yet (a later issue). */
async function anAgencyWithADeadMailbox(marker: string) {
  const dynamo = new DynamoDBClient({
    endpoint: cloud().dynamodb,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const agency = {
    id: `dead-mailbox-${marker}`,
    name: `Dead Mailbox Trust ${marker}`,
    email: `bounce+${marker}@simulator.amazonses.com`,
  };
  // Straight into the table, as seeding would: the test needs an agency whose mailbox bounces.
  await createDocumentClient(dynamo).send(
    new PutCommand({
      TableName: LOCAL_TABLE_NAME,
      Item: { ...keys.agency(agency.id), type: 'Agency', ...agency },
    }),
  );
  dynamo.destroy();
  return agency;
}

describe('a referral to a mailbox that bounces', () => {
  it('suppresses the address, alerts the CSU once, sends the case to triage, and holds back the next referral', async () => {
    const marker = randomUUID().slice(0, 8);
    const agency = await anAgencyWithADeadMailbox(marker);
    const csu = { Authorization: `Bearer ${await staffToken('csu-officer')}` };
    const enquiry = anEnquiry({ category: 'parking' });
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const referTo = async (reference: string) => {
      const read = await callApi(`/enquiries/${reference}`, { headers: csu });
      const response = await callApi(`/enquiries/${reference}/referrals`, {
        method: 'POST',
        json: { agencyId: agency.id },
        headers: { ...csu, 'If-Match': read.headers.get('etag')! },
      });
      expect(response.status).toBeLessThan(300);
    };

    await referTo(body.reference);
    await waitForQuiet();

    const view = await callApi<CaseView>(`/enquiries/${body.reference}`, { headers: csu });
    const referral = view.body.referrals.find((r) => r.agencyId === agency.id);
    expect(referral).toMatchObject({
      undelivered: { bounceType: 'Permanent' },
      email: { status: 'sent', delivery: { outcome: 'bounced', bounceType: 'Permanent' } },
    });
    expect(view.body.needsTriage).toBe(true);
    expect(view.body.timeline.map((entry) => entry.kind)).toContain('referral-undelivered');
    // The referral to the parking team, a live mailbox, was delivered.
    expect(view.body.referrals.find((r) => r.agencyId === 'abc-parking')?.email.delivery?.outcome).toBe(
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
    const nextView = await callApi<CaseView>(`/enquiries/${next.body.reference}`, { headers: csu });
    expect(nextView.body.referrals.find((r) => r.agencyId === agency.id)?.email.status).toBe('suppressed');
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
    const csu = { Authorization: `Bearer ${await staffToken('csu-officer')}` };
    const read = await callApi(`/enquiries/${body.reference}`, { headers: csu });

    const update = await callApi(`/enquiries/${body.reference}/updates`, {
      method: 'POST',
      json: { message: 'We have passed this to the parking team.' },
      headers: { ...csu, 'If-Match': read.headers.get('etag')! },
    });
    await waitForQuiet();

    expect(update.status).toBe(201);
    const toThem = (await allEmails()).filter((email) => email.destination.to.includes(address));
    // The acknowledgement went (and drew the complaint); the update did not.
    expect(toThem.map((email) => email.subject)).toEqual([expect.stringContaining('we have received')]);
  });
});
