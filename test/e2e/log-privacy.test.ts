/** Personal data never reaches the logs: the functions' whole log output is searched for it. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { apiClient, caseVersions } from '../support/api-client.ts';
import {
  anEnquiry,
  compressRetryBackoff,
  eventually,
  setFaults,
  staffToken,
  submitEnquiry,
  waitForQuiet,
} from '../support/local-cloud.ts';

describe('logs', () => {
  afterEach(async () => {
    await setFaults();
  });

  it('carry the reference of an enquiry but none of its personal data or its status token', async () => {
    const enquiry = anEnquiry({
      category: 'domestic-abuse',
      phone: '07700 900123',
      location: { postcode: 'TN24 8AB', address: '42 Hidden Lane' },
      safeContact: { mayEmail: true, mayPhone: true },
    });

    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const logs = await eventually(async () => {
      const text = readFileSync(inject('localCloudLogFile'), 'utf8');
      return text.includes(`"outcome":"sent"`) && text.includes(body.reference) ? text : undefined;
    }, 'the mailer to log the sends');

    const token = new URL(body.statusUrl).searchParams.get('token')!;
    for (const secret of [
      enquiry.description,
      enquiry.name,
      enquiry.email,
      '07700 900123',
      '42 Hidden Lane',
      'TN24 8AB',
      token,
    ]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).toContain(body.reference);
  });
});

describe('logs of casework', () => {
  it('carry none of the notes, decline notes or public updates staff write, even when events wait in the outbox', async () => {
    const enquiry = anEnquiry({ category: 'older-or-vulnerable-people' });
    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const csu = apiClient(await staffToken('csu-officer'));
    const ageUk = apiClient(await staffToken('agency-officer', undefined, { agencyId: 'age-uk' }));
    const note = 'Lives alone since her husband died';
    const declineNote = 'Declined: known to adult social care';
    const update = 'We phoned Mrs X';
    const secrets = [note, declineNote, update];
    const reference = body.reference;
    const { ifMatch, changed } = await caseVersions(csu, reference);

    changed(
      await csu.POST('/enquiries/{reference}/notes', {
        params: { path: { reference }, header: { 'If-Match': ifMatch() } },
        body: { text: note },
      }),
    );
    changed(
      await ageUk.POST('/enquiries/{reference}/referrals/{agencyId}/decline', {
        params: { path: { reference, agencyId: 'age-uk' }, header: { 'If-Match': ifMatch() } },
        body: { reason: 'already-known', note: declineNote },
      }),
    );
    // The bus refuses the next events: the warning about the outbox must not quote the update either.
    await setFaults({ eventBridgeFailNextEntries: 1 });
    changed(
      await csu.POST('/enquiries/{reference}/updates', {
        params: { path: { reference }, header: { 'If-Match': ifMatch() } },
        body: { message: update },
      }),
    );
    await setFaults();
    await waitForQuiet();
    const logs = await eventually(async () => {
      const text = readFileSync(inject('localCloudLogFile'), 'utf8');
      return text.includes('Case events not published') && text.includes('Decline notice handled')
        ? text
        : undefined;
    }, 'the casework to be logged');

    for (const secret of [...secrets, enquiry.description, enquiry.name, enquiry.email]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('logs of a failed send', () => {
  afterEach(async () => {
    await setFaults();
  });

  it('leave out the address SES quotes when it refuses an email', async () => {
    const enquiry = anEnquiry({ category: 'parking' });
    await setFaults({ sesRejectRecipients: [enquiry.email] });
    // The refused email is retried for hours before it is dead-lettered: hours pass in seconds here.
    const undo = await compressRetryBackoff();

    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet().finally(undo);
    const logs = await eventually(async () => {
      const text = readFileSync(inject('localCloudLogFile'), 'utf8');
      return text.includes('MessageRejected') && text.includes(body.reference) ? text : undefined;
    }, 'the refusal to be logged');

    expect(logs).not.toContain(enquiry.email);
  });
});

describe('logs of Open311 submissions', () => {
  it('carry the reference and the client but none of the resident’s details, words or the client’s key', async () => {
    const admin = apiClient(await staffToken('partnership-admin'));
    const issued = await admin.POST('/open311/clients', { body: { name: 'Log privacy client' } });
    expect(issued.response.status).toBe(201);
    const fields = {
      api_key: issued.data!.apiKey,
      service_code: 'neighbour-disputes',
      description: 'The neighbour at number 9 shouts at my children',
      first_name: 'Robin',
      last_name: 'Quietly',
      email: 'robin.quietly@resident.example',
      phone: '07700 900456',
      address_string: '11 Hushed Close',
      'attribute[postcode]': 'TN25 4QQ',
      'attribute[may_email]': 'yes',
      'attribute[safe_times]': 'After 7pm only',
    };
    // Raw: the contract types no body for an Open311 submission (it is form-encoded, as GeoReport v2 says).
    const response = await fetch(`${inject('localCloud').api}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const [answer] = (await response.json()) as { service_request_id: string }[];
    await waitForQuiet();
    const logs = await eventually(async () => {
      const text = readFileSync(inject('localCloudLogFile'), 'utf8');
      return text.includes(answer!.service_request_id) && text.includes('"outcome":"sent"')
        ? text
        : undefined;
    }, 'the Open311 enquiry to be logged and emailed');

    expect(response.status).toBe(201);
    expect(logs).toContain(issued.data!.id);
    for (const secret of [
      fields.api_key,
      fields.description,
      'Robin',
      'Quietly',
      fields.email,
      fields.phone,
      fields.address_string,
      'TN25 4QQ',
      fields['attribute[safe_times]'],
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
