/**
 * SES's own events about the emails we send (a configuration set's event destination on the default
 * EventBridge bus; the local SES endpoint publishes the same shapes). Only the fields we use are read; the
 * addresses in them are personal data and are hashed, never stored or logged.
 */
import type { DeliveryOutcome } from '../domain/ports.ts';

/** EventBridge source of SES events. */
export const SES_SOURCE = 'aws.ses';

/**
 * The SES event types (EventBridge detail-types) recorded, and the outcome each means for an email. `Email
 * Sent` only says SES took the email on: the least final word, which any later one replaces.
 */
export const SES_DELIVERY_EVENTS = {
  'Email Sent': 'sent',
  'Email Delivered': 'delivered',
  'Email Bounced': 'bounced',
  'Email Complaint Received': 'complained',
  'Email Rejected': 'rejected',
  'Email Delivery Delayed': 'delayed',
} as const satisfies Record<string, DeliveryOutcome>;
export type SesDetailType = keyof typeof SES_DELIVERY_EVENTS;

/** The configuration-set event types (CloudFormation's names) that publish the detail-types above. */
export const SES_EVENT_TYPES = [
  'SEND',
  'DELIVERY',
  'BOUNCE',
  'COMPLAINT',
  'REJECT',
  'DELIVERY_DELAY',
] as const;

/** The message tag carrying our email id on every email we send, so an SES event names the email it is about. */
export const EMAIL_ID_TAG = 'csp-email';

/** What one SES event says about one of our emails. */
export interface SesDeliveryEvent {
  /** The `csp-email` tag's value: which email (see email-tags.ts). */
  readonly emailTag: string;
  readonly outcome: DeliveryOutcome;
  readonly at: string;
  /** For a bounce: `Permanent` (the address is dead), `Transient` or `Undetermined`. */
  readonly bounceType?: string;
  /** The recipients the bounce or complaint names (personal data: hash them, never keep or log them). */
  readonly recipients: readonly string[];
}

interface SesEventDetail {
  readonly mail?: { readonly timestamp?: string; readonly tags?: Record<string, readonly string[]> };
  readonly bounce?: {
    readonly bounceType?: string;
    readonly timestamp?: string;
    readonly bouncedRecipients?: readonly { readonly emailAddress?: string }[];
  };
  readonly complaint?: {
    readonly timestamp?: string;
    readonly complainedRecipients?: readonly { readonly emailAddress?: string }[];
  };
  readonly delivery?: { readonly timestamp?: string };
  readonly deliveryDelay?: { readonly timestamp?: string };
}

/**
 * Reads an SES event delivered by EventBridge. Undefined for an event that is not about one of our emails
 * (no `csp-email` tag) or of a type we do not record.
 */
export function parseSesDeliveryEvent(detailType: string, detail: unknown): SesDeliveryEvent | undefined {
  if (!(detailType in SES_DELIVERY_EVENTS) || !detail || typeof detail !== 'object') return undefined;
  const d = detail as SesEventDetail;
  const emailTag = d.mail?.tags?.[EMAIL_ID_TAG]?.[0];
  if (typeof emailTag !== 'string') return undefined;
  const outcome = SES_DELIVERY_EVENTS[detailType as SesDetailType];
  const named = (list?: readonly { readonly emailAddress?: string }[]) =>
    (list ?? []).flatMap((r) => (typeof r.emailAddress === 'string' ? [r.emailAddress] : []));
  const at =
    d.bounce?.timestamp ??
    d.complaint?.timestamp ??
    d.delivery?.timestamp ??
    d.deliveryDelay?.timestamp ??
    d.mail?.timestamp ??
    new Date().toISOString();
  return {
    emailTag,
    outcome,
    at,
    bounceType: d.bounce?.bounceType,
    recipients: [...named(d.bounce?.bouncedRecipients), ...named(d.complaint?.complainedRecipients)],
  };
}
