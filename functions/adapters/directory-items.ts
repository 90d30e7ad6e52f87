/** How directory items read as domain records; the repositories that read them share these. */
import type { Organisation } from '../domain/governance.ts';
import type { PartnershipProfile } from '../domain/governance-ports.ts';
import {
  type Agency,
  type EnquiryCategory,
  OPEN_GOVERNMENT_LICENCE,
  type Partnership,
  type PublishedLicence,
} from '../domain/partnership.ts';

/** A category item as the domain sees it (a category never retired has no `retired` attribute). */
export function toCategory(item: Record<string, unknown>): EnquiryCategory & { position: number } {
  return {
    code: String(item.code),
    title: String(item.title),
    description: String(item.description),
    sensitive: Boolean(item.sensitive),
    ...(item.retired === true ? { retired: true } : {}),
    position: Number(item.position ?? 0),
  };
}

/** An agency item as the domain sees it: active unless marked otherwise. */
export function toAgency(item: Record<string, unknown>): Agency {
  return {
    id: String(item.id),
    name: String(item.name),
    email: String(item.email),
    safeguarding: item.safeguarding === true,
    active: item.active !== false,
  };
}

/** An organisation item as the domain sees it. */
export function toOrganisation(item: Record<string, unknown>): Organisation {
  return {
    id: String(item.id),
    name: String(item.name),
    memberships: (item.memberships as Organisation['memberships'] | undefined) ?? [],
    representatives: (item.representatives as Organisation['representatives'] | undefined) ?? [],
    csuAgency: Boolean(item.csuAgency),
  };
}

/** The enquiry-facing part of the partnership item. */
export function toPartnership(item: Record<string, unknown>): Partnership {
  return {
    id: String(item.id),
    name: String(item.name),
    csuName: String(item.csuName),
    csuMailbox: String(item.csuMailbox),
    urgentPhone: String(item.urgentPhone),
    urgentPhoneHours: String(item.urgentPhoneHours),
    privacyNoticeUrl: typeof item.privacyNoticeUrl === 'string' ? item.privacyNoticeUrl : undefined,
    // A table seeded before partnerships named a licence publishes under the OGL, as the file's default.
    licence: isLicence(item.licence) ? item.licence : OPEN_GOVERNMENT_LICENCE,
  };
}

function isLicence(value: unknown): value is PublishedLicence {
  return (
    typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'
  );
}

/**
 * The partnership item as the full profile, or undefined while its governance part (chair policy) is missing:
 * a table seeded before then is completed by the next seed run.
 */
export function toProfile(item: Record<string, unknown>): PartnershipProfile | undefined {
  if (!item.chairPolicy) return undefined;
  return {
    ...toPartnership(item),
    area: String(item.area),
    description: String(item.description),
    roles: (item.roles as PartnershipProfile['roles'] | undefined) ?? {},
    chairPolicy: item.chairPolicy as PartnershipProfile['chairPolicy'],
    quorum: Number(item.quorum),
    meetingPattern: (item.meetingPattern as PartnershipProfile['meetingPattern'] | undefined) ?? [],
    version: Number(item.version ?? 1),
  };
}
