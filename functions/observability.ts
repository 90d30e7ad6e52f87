/**
 * The structured logger every function uses. Logs carry references, categories, counts and error codes,
 * never personal data: no request bodies, contact details, descriptions or status tokens.
 */
import { Logger } from '@aws-lambda-powertools/logger';

/** Shared root logger; `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_LOG_LEVEL` (set by the function construct) configure it. */
export const logger = new Logger();
