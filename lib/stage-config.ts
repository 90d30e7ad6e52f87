/**
 * Per-stage settings, read from the app context: `stage` picks an entry of `stages` (both in cdk.json; override
 * the stage with `cdk synth -c stage=prod`). Everything is validated up front so a typo fails the synth with a
 * message naming the key, instead of deploying a half-configured stack.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { DIRECTORY_ID_MAX_LENGTH, DIRECTORY_ID_PATTERN } from '../functions/domain/directory.ts';
import type { AnonymiseAfterMonths } from '../functions/domain/retention.ts';

/** A validated stage. */
export interface StageConfig {
  /** Stage name, e.g. `dev` or `prod`; part of every stack and resource name. */
  readonly name: string;
  /** The 12-digit AWS account the stage deploys to: its stacks are pinned to it, never whatever the CLI finds. */
  readonly account: string;
  /** The AWS region the stage deploys to, e.g. `eu-west-2` (London). */
  readonly region: string;
  /**
   * The partnership file this deployment serves (relative to the repository root), e.g.
   * `partnerships/ashford.json`: its id is read at synth; it is validated in full and seeded after deploy with
   * `npm run seed -- --stage <name>`.
   */
  readonly partnershipFile: string;
  /** The id inside that file. */
  readonly partnershipId: string;
  /** From header of every email, e.g. `Ashford CSU <no-reply@csp.ashford.gov.uk>`. */
  readonly senderAddress: string;
  /** SES domain identity the sender address belongs to: a domain the deployer controls and verifies in SES. */
  readonly sesIdentity: string;
  /** Browser origins allowed by CORS. */
  readonly allowedOrigins: readonly string[];
  readonly enquiryRetentionDays: number;
  /**
   * Months after which the retention job anonymises an enquiry: after closure (sensitive categories on their
   * own clock), or after receipt for one never closed. What is left is kept for statistics until
   * `enquiryRetentionDays`.
   */
  readonly anonymiseAfterMonths: AnonymiseAfterMonths;
  /** Retention of every log group; one of CloudWatch Logs' allowed values. */
  readonly logRetentionDays: RetentionDays;
  /** Where alarm notifications are emailed. */
  readonly alarmEmail: string;
  /**
   * Base of the enquirer's status links, when a council serves the status page from its own site (it must
   * pass `/enquiries/{reference}/status` through to the API); the API's own URL when absent.
   */
  readonly statusPageBaseUrl?: string;
  /**
   * The API's own domain, e.g. `api.csp.ashford.gov.uk`: status links and the documents' URLs use it, so they
   * survive the API being replaced. Without `certificateArn` the stack requests an ACM certificate validated
   * by DNS (the deploy waits until the CNAME it prints is published). The execute-api URL is then disabled, the
   * domain being the only way in: a stage already in use is unreachable from that deploy until the record for
   * the `ApiDomainTarget` output is published.
   */
  readonly apiDomain?: { readonly name: string; readonly certificateArn?: string };
  /** AWS Backup of the table: days each daily recovery point is kept, and optionally a vault in another account to copy it to. */
  readonly backup: { readonly retentionDays: number; readonly copyToVaultArn?: string };
  /**
   * Where staff sign in to the console: the staff pool's Cognito domain,
   * `https://<domainPrefix>.auth.<region>.amazoncognito.com`. The prefix must be free in the region (Cognito
   * prefixes are shared by every AWS account); `csp-<stage>-<partnershipId>` unless cdk.json sets
   * `staffSignIn.domainPrefix`.
   */
  readonly staffSignIn: { readonly domainPrefix: string };
}

/** Settings a deployer usually passes on the command line (`-c key=value`) rather than in cdk.json. */
export const COMMAND_LINE_SETTINGS = [
  'account',
  'region',
  'sesIdentity',
  'senderAddress',
  'alarmEmail',
] as const;

/** The stage that keeps no data worth protecting: resources may be destroyed with the stack. */
export const DEV_STAGE = 'dev';

/** Thrown when the context does not describe a usable stage. */
export class StageConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageConfigError';
  }
}

const STAGE_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const BACKUP_VAULT_ARN = /^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
/** A Cognito domain prefix: lower-case letters, digits and inner hyphens, 1-63 characters. */
const COGNITO_DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Words Cognito refuses in a domain prefix. */
const COGNITO_RESERVED_WORDS = ['aws', 'amazon', 'cognito'] as const;

/**
 * Names reserved by RFC 2606 and RFC 6761: SES can never verify them and no mail to them is ever read, so a
 * stage configured with one would deploy and then silently fail to email anyone.
 */
export function isReservedDomain(domain: string): boolean {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  const top = labels.at(-1) ?? '';
  const second = labels.slice(-2).join('.');
  return (
    ['example', 'test', 'invalid', 'localhost', 'local'].includes(top) ||
    ['example.com', 'example.net', 'example.org'].includes(second)
  );
}

const ALLOWED_RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter(
    (v): v is number => typeof v === 'number' && v !== RetentionDays.INFINITE,
  ),
);

/** The repository root, against which a stage's partnership file is found. */
const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..');

/** Reads and validates the stage selected by context `stage` from context `stages`. */
export function loadStageConfig(node: Node): StageConfig {
  const name = node.tryGetContext('stage');
  if (typeof name !== 'string' || !STAGE_NAME.test(name)) {
    throw new StageConfigError(
      `Context "stage" must be a lower-case stage name (e.g. -c stage=prod), got ${JSON.stringify(name)}`,
    );
  }
  const stages = parseMaybeJson(node.tryGetContext('stages'));
  if (!isRecord(stages)) {
    throw new StageConfigError(
      'Context "stages" is missing: it must map stage names to settings (see cdk.json)',
    );
  }
  const raw = stages[name];
  if (!isRecord(raw)) {
    const known = Object.keys(stages).join(', ') || 'none';
    throw new StageConfigError(`Stage "${name}" is not in context "stages" (known stages: ${known})`);
  }
  // `-c account=… -c sesIdentity=…` override the stage's own, e.g. from a deploy pipeline's variables.
  const overrides = Object.fromEntries(
    COMMAND_LINE_SETTINGS.flatMap((key) => {
      const value = node.tryGetContext(key);
      return value === undefined ? [] : [[key, String(value)]];
    }),
  );
  return parseStage(name, { ...raw, ...overrides });
}

/** Validates one stage's settings; exported for tests of the validation itself. */
export function parseStage(name: string, raw: Record<string, unknown>): StageConfig {
  const where = (key: string) => `stages.${name}.${key}`;
  const text = (key: string, what = 'a non-empty string'): string => {
    const value = raw[key];
    if (typeof value !== 'string' || value.trim() === '') {
      const hint = (COMMAND_LINE_SETTINGS as readonly string[]).includes(key)
        ? ` (in cdk.json, or -c ${key}=...)`
        : '';
      throw new StageConfigError(`${where(key)} must be ${what}${hint}`);
    }
    return value;
  };
  const deliverable = (key: string, address: string): void => {
    const domain = address.split('@').at(-1) ?? '';
    if (isReservedDomain(domain)) {
      throw new StageConfigError(
        `${where(key)} is at ${domain}, a reserved domain no mail is ever delivered to or sent from: use your own`,
      );
    }
  };
  const email = (key: string): string => {
    const value = text(key, 'an email address');
    if (!EMAIL.test(value))
      throw new StageConfigError(`${where(key)} must be an email address, got "${value}"`);
    deliverable(key, value);
    return value;
  };
  const positiveInt = (key: string): number => {
    const value = raw[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new StageConfigError(`${where(key)} must be a positive integer`);
    }
    return value;
  };

  const account = raw['account'];
  if (typeof account !== 'string' || !ACCOUNT.test(account)) {
    throw new StageConfigError(
      `${where('account')} must be the 12-digit AWS account to deploy to (in cdk.json, or -c account=...), got ${JSON.stringify(account)}`,
    );
  }
  const region = raw['region'];
  if (typeof region !== 'string' || !REGION.test(region)) {
    throw new StageConfigError(
      `${where('region')} must be an AWS region such as eu-west-2 (in cdk.json, or -c region=...), got ${JSON.stringify(region)}`,
    );
  }
  const sesIdentity = text('sesIdentity', 'the domain SES sends from, one you can verify').toLowerCase();
  if (!DOMAIN.test(sesIdentity)) {
    throw new StageConfigError(
      `${where('sesIdentity')} must be a domain name such as csp.ashford.gov.uk, got "${sesIdentity}"`,
    );
  }
  deliverable('sesIdentity', `@${sesIdentity}`);
  const senderAddress = text(
    'senderAddress',
    'the From address of every email, e.g. "Ashford CSU <no-reply@csp.ashford.gov.uk>"',
  );
  // SES only sends as an address on a verified identity; catch a mismatch at synth, not at the first email.
  const senderEmail = parseSenderAddress(senderAddress).email;
  if (!EMAIL.test(senderEmail) || senderEmail.split('@')[1]?.toLowerCase() !== sesIdentity) {
    throw new StageConfigError(
      `${where('senderAddress')} must be an address at ${where('sesIdentity')} (${sesIdentity}), got "${senderAddress}"`,
    );
  }

  const origins = raw['allowedOrigins'];
  if (!Array.isArray(origins) || origins.length === 0) {
    throw new StageConfigError(`${where('allowedOrigins')} must be a non-empty array of origins`);
  }
  const allowedOrigins = origins.map((origin, i) => {
    if (typeof origin !== 'string' || !isOrigin(origin)) {
      throw new StageConfigError(
        `${where('allowedOrigins')}[${i}] must be an origin like https://www.example.org, got ${JSON.stringify(origin)}`,
      );
    }
    return origin;
  });

  const logRetentionDays = positiveInt('logRetentionDays');
  if (!ALLOWED_RETENTION_DAYS.has(logRetentionDays)) {
    throw new StageConfigError(
      `${where('logRetentionDays')} must be one of ${[...ALLOWED_RETENTION_DAYS].join(', ')}, got ${logRetentionDays}`,
    );
  }

  const partnership = partnershipOf(text('partnershipFile'), where('partnershipFile'));
  return {
    name,
    account,
    region,
    ...partnership,
    senderAddress,
    sesIdentity,
    allowedOrigins,
    enquiryRetentionDays: positiveInt('enquiryRetentionDays'),
    anonymiseAfterMonths: anonymiseAfterMonths(raw['anonymiseAfterMonths'], where('anonymiseAfterMonths')),
    logRetentionDays: logRetentionDays as RetentionDays,
    alarmEmail: email('alarmEmail'),
    statusPageBaseUrl: optionalHttpsUrl(raw['statusPageBaseUrl'], where('statusPageBaseUrl')),
    apiDomain: apiDomain(raw['apiDomain'], where('apiDomain')),
    backup: backup(raw['backup'], where('backup')),
    staffSignIn: staffSignIn(
      raw['staffSignIn'],
      where('staffSignIn'),
      `csp-${name}-${partnership.partnershipId}`,
    ),
  };
}

function staffSignIn(value: unknown, where: string, defaultPrefix: string): StageConfig['staffSignIn'] {
  if (value !== undefined && !isRecord(value)) {
    throw new StageConfigError(`${where} must be an object such as { "domainPrefix": "ashford-csp-staff" }`);
  }
  const given = value?.['domainPrefix'];
  const domainPrefix = given ?? defaultPrefix;
  // The default is checked too: a long partnership id could make it too long for Cognito.
  const fix =
    given === undefined ? ` (the default, from the stage and partnership: set ${where}.domainPrefix)` : '';
  if (typeof domainPrefix !== 'string' || !COGNITO_DOMAIN_PREFIX.test(domainPrefix)) {
    throw new StageConfigError(
      `${where}.domainPrefix must be 1-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit, got ${JSON.stringify(domainPrefix)}${fix}`,
    );
  }
  const reserved = COGNITO_RESERVED_WORDS.find((word) => domainPrefix.includes(word));
  if (reserved) {
    throw new StageConfigError(
      `${where}.domainPrefix must not contain "${reserved}" (Cognito refuses aws, amazon and cognito in a domain prefix), got "${domainPrefix}"${fix}`,
    );
  }
  return { domainPrefix };
}

function apiDomain(value: unknown, where: string): StageConfig['apiDomain'] {
  if (value === undefined) return undefined;
  const name = isRecord(value) ? value['name'] : undefined;
  if (typeof name !== 'string' || !DOMAIN.test(name) || isReservedDomain(name)) {
    throw new StageConfigError(
      `${where}.name must be a domain name you own, such as api.csp.ashford.gov.uk, got ${JSON.stringify(name)}`,
    );
  }
  const certificateArn = isRecord(value) ? value['certificateArn'] : undefined;
  if (
    certificateArn !== undefined &&
    (typeof certificateArn !== 'string' || !CERTIFICATE_ARN.test(certificateArn))
  ) {
    throw new StageConfigError(
      `${where}.certificateArn must be an ACM certificate ARN in the stage's region, got ${JSON.stringify(certificateArn)}`,
    );
  }
  return { name, certificateArn };
}

function backup(value: unknown, where: string): StageConfig['backup'] {
  const retentionDays = isRecord(value) ? value['retentionDays'] : undefined;
  if (
    typeof retentionDays !== 'number' ||
    !Number.isInteger(retentionDays) ||
    retentionDays < 1 ||
    retentionDays > 3650
  ) {
    throw new StageConfigError(`${where}.retentionDays must be a whole number of days from 1 to 3650`);
  }
  const copyToVaultArn = isRecord(value) ? value['copyToVaultArn'] : undefined;
  if (
    copyToVaultArn !== undefined &&
    (typeof copyToVaultArn !== 'string' || !BACKUP_VAULT_ARN.test(copyToVaultArn))
  ) {
    throw new StageConfigError(
      `${where}.copyToVaultArn must be an AWS Backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>), got ${JSON.stringify(copyToVaultArn)}`,
    );
  }
  return { retentionDays, copyToVaultArn };
}

function anonymiseAfterMonths(value: unknown, where: string): AnonymiseAfterMonths {
  const months = (key: keyof AnonymiseAfterMonths): number => {
    const n = isRecord(value) ? value[key] : undefined;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 120) {
      throw new StageConfigError(`${where}.${key} must be a whole number of months from 1 to 120`);
    }
    return n;
  };
  return {
    closed: months('closed'),
    sensitiveClosed: months('sensitiveClosed'),
    neverClosed: months('neverClosed'),
  };
}

function optionalHttpsUrl(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.search || url.hash) {
    throw new StageConfigError(
      `${where} must be an https URL without query or fragment, got ${JSON.stringify(value)}`,
    );
  }
  return value as string;
}

/** `Ashford CSU <no-reply@csp.ashford.gov.uk>` → its display name and address. */
export function parseSenderAddress(sender: string): { name?: string; email: string } {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(sender);
  return match ? { name: match[1] || undefined, email: match[2] ?? sender } : { email: sender.trim() };
}

/** True in stages whose data must survive a stack deletion. */
export function isProtectedStage(stage: StageConfig): boolean {
  return stage.name !== DEV_STAGE;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

// `-c stages='{...}'` on the command line arrives as a JSON string rather than an object.
function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The stage's partnership file and the id inside it. Synth reads only what it names resources with: the file's
 * full validation (schemas, cross-references) stays with seeding (`npm run seed`) and the unit tests of the
 * committed files, so synth never loads the API's zod schemas.
 */
function partnershipOf(file: string, where: string): Pick<StageConfig, 'partnershipFile' | 'partnershipId'> {
  const source = path.resolve(REPOSITORY_ROOT, file);
  const refuse = (problem: string) => new StageConfigError(`${where}: ${source} ${problem}`);
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(source, 'utf8'));
  } catch (error) {
    throw refuse(
      error instanceof SyntaxError
        ? `is not JSON (${error.message})`
        : `cannot be read (${(error as Error).message})`,
    );
  }
  const id = isRecord(content) ? content.id : undefined;
  if (
    typeof id !== 'string' ||
    id.length > DIRECTORY_ID_MAX_LENGTH ||
    !DIRECTORY_ID_PATTERN.test(id) ||
    !isRecord(content) ||
    !isRecord(content.profile) ||
    !Array.isArray(content.categories)
  ) {
    throw refuse(
      'is not a valid partnership file: it needs an "id" of lower-case letters and digits joined by single ' +
        'hyphens, a "profile" and "categories"',
    );
  }
  return { partnershipFile: file, partnershipId: id };
}
