/**
 * What every door of intake shares (`POST /enquiries`, Open311's `POST requests`, the contact form): the body
 * as the use case takes it, the log line of a submission, and the advice for something happening now.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type * as z from 'zod/mini';
import type { Partnership } from '../domain/partnership.ts';
import type { submitEnquiry } from '../domain/use-cases/submit-enquiry.ts';
import { safeError } from '../observability.ts';
import type { NewEnquirySchema } from './schemas.ts';

/**
 * Logs a submission, from our API or Open311 (`fields` say which client): its reference on every later line,
 * whether its event waits for the outbox sweeper, and its category; nothing the enquirer wrote.
 */
export function logSubmission(
  log: Logger,
  result: Awaited<ReturnType<typeof submitEnquiry>>,
  fields: Record<string, string> = {},
): void {
  log.appendKeys({ reference: result.enquiry.reference });
  if (!result.published) {
    log.warn('EnquiryReceived not published; left for the outbox sweeper', {
      error: safeError(result.publishError),
    });
  }
  log.info(result.replayed ? 'Enquiry request replayed' : 'Enquiry accepted', {
    category: result.enquiry.category,
    ...fields,
  });
}

export function toNewEnquiry(body: z.output<ReturnType<typeof NewEnquirySchema>>) {
  return {
    category: body.category,
    description: body.description,
    contact: { name: body.name, email: body.email, phone: body.phone },
    location: body.location,
    happeningNow: body.happeningNow,
    safeContact: body.safeContact,
  };
}

/** What someone reporting something happening now should do at once. */
export function urgentAdvice(partnership: Pick<Partnership, 'urgentPhone' | 'urgentPhoneHours'>) {
  return {
    message: `If anyone is in danger or a crime is happening now, call 999. For urgent help that is not an emergency, call ${partnership.urgentPhone} (${partnership.urgentPhoneHours}).`,
    emergencyNumber: '999',
    urgentPhone: partnership.urgentPhone,
    urgentPhoneHours: partnership.urgentPhoneHours,
  };
}
