/**
 * Environment variables the functions read. The names are shared with the CDK construct that sets them
 * (`lib/constructs/csp-function.ts`) and the local cloud, so the two cannot drift.
 */
export const ENV = {
  /** The single DynamoDB table. */
  tableName: 'TABLE_NAME',
  /** The custom EventBridge bus enquiry events go to. */
  eventBusName: 'EVENT_BUS_NAME',
  /** From address of every email; must be a verified SES identity. */
  senderAddress: 'SENDER_ADDRESS',
  /** Public base URL of the API: links to cases in staff emails. */
  publicApiUrl: 'PUBLIC_API_URL',
  /** Base of the enquirer's status links (the API's URL, or a council's own site that passes them through). */
  statusPageBaseUrl: 'STATUS_PAGE_BASE_URL',
  /** Days an enquiry is kept before TTL deletes it. */
  enquiryRetentionDays: 'ENQUIRY_RETENTION_DAYS',
  /** When enquiries are anonymised, as JSON: `{"closed":12,"sensitiveClosed":24,"neverClosed":36}` (months). */
  anonymiseAfterMonths: 'ANONYMISE_AFTER_MONTHS',
  /** Outbox sweeper: only enquiries unpublished for longer than this are republished. */
  outboxGraceSeconds: 'OUTBOX_GRACE_SECONDS',
  /** Comma-separated origins allowed by CORS. */
  allowedOrigins: 'ALLOWED_ORIGINS',
  /** Issuer of staff tokens (the Cognito user pool's URL on AWS). */
  authIssuer: 'AUTH_ISSUER',
  /** Audience of staff tokens (the Cognito app client id). */
  authAudience: 'AUTH_AUDIENCE',
  /** Where the issuer publishes its signing keys (JWKS). */
  authJwksUrl: 'AUTH_JWKS_URL',
  /** The secret (Secrets Manager id) that keys hashes of personal data: e-mail addresses, phone numbers. */
  personalDataKeySecret: 'PERSONAL_DATA_KEY_SECRET',
  /** The secret (Secrets Manager id) whose value keys the staff console's encrypted session cookies. */
  sessionKeySecret: 'SESSION_KEY_SECRET',
  /**
   * Base URL of the staff pool's OAuth 2.0 endpoints (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`,
   * `/logout`): the Cognito domain on AWS, e.g. `https://csp-prod-ashford.auth.eu-west-2.amazoncognito.com`.
   */
  authDomainUrl: 'AUTH_DOMAIN_URL',
  /** The staff console's app client id: the audience of the ID tokens it receives. */
  consoleClientId: 'CONSOLE_CLIENT_ID',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Reads a required variable once; a missing one fails the cold start loudly instead of misbehaving later. */
export function requireEnv(name: EnvName): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}

/** Reads a required variable that must be a non-negative integer. */
export function requireIntEnv(name: EnvName): number {
  const raw = requireEnv(name);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}
