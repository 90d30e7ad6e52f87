import { type SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer, OutgoingEmail } from '../domain/ports.ts';

/**
 * Sends through SES's v1 `SendEmail` with a text and an HTML part. Every value is passed as a structured
 * field, never spliced into raw MIME, so nothing in it can add a header.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    /** Optional SES configuration set (bounce and complaint tracking on AWS). */
    private readonly configurationSetName?: string,
  ) {}

  async send(email: OutgoingEmail): Promise<string> {
    const result = await this.client.send(
      new SendEmailCommand({
        Source: email.from,
        Destination: { ToAddresses: [email.to] },
        ReplyToAddresses: [email.replyTo],
        Message: {
          Subject: { Data: email.content.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.content.text, Charset: 'UTF-8' },
            Html: { Data: email.content.html, Charset: 'UTF-8' },
          },
        },
        ConfigurationSetName: this.configurationSetName,
      }),
    );
    if (!result.MessageId) throw new Error('SES accepted the email but returned no MessageId');
    return result.MessageId;
  }
}
