import { type SESClient, SendEmailCommand, type SendEmailCommandOutput } from '@aws-sdk/client-ses';
import { EmailNotAccepted } from '../domain/errors.ts';
import type { Mailer, OutgoingEmail } from '../domain/ports.ts';
import { EMAIL_ID_TAG } from '../events/ses-delivery-event.ts';
import { encodeEmailId } from './email-tags.ts';

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
    let result: SendEmailCommandOutput;
    try {
      result = await this.client.send(
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
          // SES's delivery, bounce and complaint events carry this back to the delivery-events function.
          Tags: [{ Name: EMAIL_ID_TAG, Value: encodeEmailId(email.id) }],
        }),
      );
    } catch (error) {
      // SES answered with a refusal (e.g. MessageRejected, throttling): the email was not sent. Keep the error
      // name only; SES messages can quote the recipient's address.
      if (isServiceError(error)) throw new EmailNotAccepted(error.name);
      throw error;
    }
    if (!result.MessageId) throw new Error('SES accepted the email but returned no MessageId');
    return result.MessageId;
  }
}

/** An error the service itself returned (it has an HTTP status), as opposed to a network failure. */
function isServiceError(error: unknown): error is Error & { $metadata: { httpStatusCode: number } } {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  return error instanceof Error && typeof status === 'number' && status >= 400;
}
