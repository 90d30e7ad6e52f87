/** Reference data about the partnership that enquiry handling reads: categories, agencies, routing. */
import type { ResponseTargets } from './casework.ts';

/** The partnership record, as far as enquiries need it. */
export interface Partnership {
  readonly id: string;
  readonly name: string;
  /** Name of the Community Safety Unit, used to sign emails. */
  readonly csuName: string;
  /** The CSU's shared mailbox; copied on every enquiry and used as Reply-To. */
  readonly csuMailbox: string;
  /** Number given in acknowledgements for urgent, non-emergency help (Ashford: weekends). */
  readonly urgentPhone: string;
  readonly urgentPhoneHours: string;
  /** Where the partnership's privacy notice is published: linked from every acknowledgement. */
  readonly privacyNoticeUrl?: string;
  /** The licence of what the partnership publishes (its API's records and open data). */
  readonly licence: PublishedLicence;
}

/** A licence, as OpenAPI names one: by SPDX identifier, or by its text's URL. */
export interface PublishedLicence {
  readonly name: string;
  /** SPDX identifier, e.g. `OGL-UK-3.0`. */
  readonly identifier?: string;
  readonly url?: string;
}

/** The licence of UK public sector information, where a partnership names no other. */
export const OPEN_GOVERNMENT_LICENCE: PublishedLicence = {
  name: 'Open Government Licence v3.0',
  identifier: 'OGL-UK-3.0',
};

/** A category on the public contact form. */
export interface EnquiryCategory {
  readonly code: string;
  readonly title: string;
  readonly description: string;
  /**
   * Sensitive categories (e.g. domestic abuse) get extra care: routed only to safeguarding agencies, and never
   * named, described or quoted in any email.
   */
  readonly sensitive: boolean;
  /** No longer offered: off the form, refused for new enquiries; enquiries made in it keep it. */
  readonly retired?: boolean;
}

/** The categories the public may choose from, in order: every one not retired. */
export function offeredCategories<C extends Pick<EnquiryCategory, 'retired'>>(categories: readonly C[]): C[] {
  return categories.filter((category) => !category.retired);
}

/** An agency of the Community Safety Unit that receives enquiries by email. */
export interface Agency {
  readonly id: string;
  readonly name: string;
  /** Organisational mailbox (not personal data). */
  readonly email: string;
  /**
   * Trained and cleared to handle safeguarding cases (domestic abuse, sexual offences, exploitation…): only
   * these agencies, and the CSU, receive enquiries in sensitive categories.
   */
  readonly safeguarding?: boolean;
  /**
   * False once the agency stops taking referrals (absent means active): kept on record, for the cases it
   * worked, but never routed to. It cannot be deactivated while a routing rule names it.
   */
  readonly active?: boolean;
}

/** Which agencies handle a category, and how fast (defaults by sensitivity when not set). */
export interface RoutingRule {
  readonly category: string;
  readonly agencyIds: readonly string[];
  readonly targets?: ResponseTargets;
}

/** Agency id used for the CSU's own mailbox, which is copied on every enquiry. */
export const CSU_RECIPIENT_ID = 'csu';
