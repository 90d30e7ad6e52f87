/** Personal data never reaches the logs: the functions' whole log output is searched for it. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { anEnquiry, eventually, setFaults, submitEnquiry, waitForQuiet } from '../support/local-cloud.ts';

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

describe('logs of a failed send', () => {
  afterEach(async () => {
    await setFaults();
  });

  it('leave out the address SES quotes when it refuses an email', async () => {
    const enquiry = anEnquiry({ category: 'parking' });
    await setFaults({ sesRejectRecipients: [enquiry.email] });

    const { body } = await submitEnquiry(enquiry);
    await waitForQuiet();
    const logs = await eventually(async () => {
      const text = readFileSync(inject('localCloudLogFile'), 'utf8');
      return text.includes('MessageRejected') && text.includes(body.reference) ? text : undefined;
    }, 'the refusal to be logged');

    expect(logs).not.toContain(enquiry.email);
  });
});
