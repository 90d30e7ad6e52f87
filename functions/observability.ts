/**
 * The structured logger every function uses. Logs carry references, categories, counts and error codes,
 * never personal data: no request bodies, contact details, descriptions or status tokens.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DomainError } from './domain/errors.ts';

/** Shared root logger; `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_LOG_LEVEL` (set by the function construct) configure it. */
export const logger = new Logger();

/**
 * What may be logged of an error: its name, the service's status and fault, and the stack frames; the message
 * only for our own domain errors, whose messages are written never to hold personal data. AWS service
 * messages can quote an email address (SES's MessageRejected does), so they are dropped.
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error };
  const service = error as { $metadata?: { httpStatusCode?: number }; $fault?: string };
  return {
    name: error.name,
    message: error instanceof DomainError ? error.message : undefined,
    httpStatusCode: service.$metadata?.httpStatusCode,
    fault: service.$fault,
    // The first stack line repeats the message.
    stack: error.stack?.split('\n').slice(1).join('\n'),
  };
}
