/** Personal data never reaches the logs: the functions' whole log output is searched for it. */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { anEnquiry, eventually, submitEnquiry, waitForQuiet } from '../support/local-cloud.ts';

describe('logs', () => {
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
