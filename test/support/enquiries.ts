/** Builders of stored enquiries and the staff who work them, for tests that need them without the use cases. */
import type { Enquiry } from '../../functions/domain/enquiry.ts';
import type { StaffPrincipal } from '../../functions/domain/staff.ts';

/**
 * An enquiry as stored on receipt (received, version 1, no case history yet): a parking complaint from an
 * enquirer who said email is safe, with `overrides` applied.
 */
export function aStoredEnquiry(overrides: Partial<Enquiry> = {}): Enquiry {
  const receivedAt = overrides.receivedAt ?? '2026-11-26T10:00:00.000Z';
  return {
    reference: 'CSU-2026-000042',
    category: 'parking',
    description: 'A van is parked on the pavement every night',
    contact: { name: 'Sam Resident', email: 'sam@resident.example' },
    happeningNow: false,
    safeContact: { mayEmail: true, mayPhone: false },
    sensitive: false,
    status: 'received',
    version: 1,
    statusToken: 'secret-token',
    receivedAt,
    updatedAt: receivedAt,
    referrals: [],
    needsTriage: false,
    publicUpdates: [],
    ...overrides,
  };
}

/** A CSU officer: sees and works every case. */
export const csuOfficer: StaffPrincipal = { subject: 'csu-ann', roles: ['csu-officer'] };

/** An officer of the parking team, the agency parking enquiries are referred to. */
export const parkingOfficer: StaffPrincipal = {
  subject: 'parking-pat',
  roles: ['agency-officer'],
  agencyId: 'parking-team',
};

/** An officer of environmental health, an agency parking enquiries are not referred to. */
export const noiseOfficer: StaffPrincipal = {
  subject: 'noise-nia',
  roles: ['agency-officer'],
  agencyId: 'environmental-health',
};
