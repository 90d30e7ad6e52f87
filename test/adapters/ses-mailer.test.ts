/** The SES mailer against aws-ses-v2-local: what lands in the emulator's store is what we sent. */
import { randomUUID } from 'node:crypto';
import { SESClient } from '@aws-sdk/client-ses';
import { describe, expect, inject, it } from 'vitest';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import { allEmails } from '../support/local-cloud.ts';

const client = new SESClient({
  endpoint: inject('localCloud').sesInbox,
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

describe('SesMailer', () => {
  it('sends From, To, Reply-To, subject, text and HTML as given, and returns the message id', async () => {
    const subject = `Adapter test ${randomUUID()}`;

    const messageId = await new SesMailer(client).send({
      id: { topic: 'ENQUIRY#CSU-2026-000001', kind: 'referral', recipientId: 'kent-police' },
      from: 'CSU <no-reply@csp.example.org>',
      to: 'police@kent.example',
      replyTo: 'csu@ashford.example',
      content: { subject, text: 'Plain £ text', html: '<p>HTML &amp; text</p>' },
    });

    const stored = (await allEmails()).find((e) => e.subject === subject);
    expect(stored).toMatchObject({
      messageId,
      from: 'CSU <no-reply@csp.example.org>',
      destination: { to: ['police@kent.example'] },
      replyTo: ['csu@ashford.example'],
      body: { text: 'Plain £ text', html: '<p>HTML &amp; text</p>' },
    });
  });
});
