/**
 * Whether an error from an AWS SDK call means the service is out or overloaded for now (so the caller should
 * answer 503 and be retried), rather than a fault in our request or our code.
 */

/** Service-side errors that clear on their own: throttling, capacity and the service's own failures. */
const TRANSIENT_SERVICE_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'InternalServiceError',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Network failures on the way to the service: refused, reset, timed out, unresolvable. */
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True when `error` (thrown by an AWS SDK client, after its own retries) says the service is unreachable,
 * throttling or failing on its side: the request may succeed if sent again later.
 */
export function isServiceOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT_SERVICE_ERRORS.has(error.name)) return true;
  const { code, $metadata, cause } = error as Error & {
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
    cause?: unknown;
  };
  if (typeof code === 'string' && NETWORK_ERRORS.has(code)) return true;
  const status = $metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  return cause !== undefined && cause !== error && isServiceOutage(cause);
}
