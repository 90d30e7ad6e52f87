/** Builders of stored enquiries, for tests that need one without submitting it through the use case. */
import type { Enquiry } from '../../functions/domain/enquiry.ts';

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
