/** Staff who may change records, and what each role may do. */

export const STAFF_ROLES = [
  'partnership-admin',
  'csu-officer',
  'agency-officer',
  'partner-representative',
] as const;
/**
 * - partnership-admin: partnership records and governance (chair, motions);
 * - csu-officer: every enquiry, and the routing table;
 * - agency-officer: the enquiries referred to their own agency, and nothing else;
 * - partner-representative: votes for their own organisation.
 */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who is calling, from a verified token. */
export interface StaffPrincipal {
  /** Stable user id (the token's `sub`); recorded in audit entries. */
  readonly subject: string;
  readonly roles: readonly StaffRole[];
  /** The organisation a partner representative speaks for. */
  readonly organisationId?: string;
  /** The CSU agency an agency officer works for (Cognito attribute `custom:agency_id`). */
  readonly agencyId?: string;
}

/** Verifies a bearer token and says who it belongs to. */
export interface StaffTokenVerifier {
  /** @throws NotAuthenticated when the token is missing, malformed, expired or not ours. */
  verify(token: string): Promise<StaffPrincipal>;
}
