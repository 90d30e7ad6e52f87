/** Staff who may change records, and what each role may do. */

export const STAFF_ROLES = ['partnership-admin', 'csu-officer', 'partner-representative'] as const;
/**
 * - partnership-admin: partnership records and governance (chair, motions);
 * - csu-officer: enquiries and the routing table;
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
}

/** Verifies a bearer token and says who it belongs to. */
export interface StaffTokenVerifier {
  /** @throws NotAuthenticated when the token is missing, malformed, expired or not ours. */
  verify(token: string): Promise<StaffPrincipal>;
}
