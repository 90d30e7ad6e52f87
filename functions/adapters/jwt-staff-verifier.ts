import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { NotAuthenticated } from '../domain/errors.ts';
import {
  STAFF_ROLES,
  type StaffPrincipal,
  type StaffRole,
  type StaffTokenVerifier,
} from '../domain/staff.ts';

/**
 * Verifies Cognito ID tokens (RS256, issuer, audience, a required expiry, `token_use: id`) against the issuer's JWKS,
 * which is fetched once and cached. Roles are the user's Cognito groups; a partner representative's
 * organisation is the `custom:organisation_id` attribute, an agency officer's agency `custom:agency_id`. The local cloud issues tokens of the same shape.
 */
export class JwtStaffVerifier implements StaffTokenVerifier {
  /**
   * Built on the first staff request, not at cold start: building it reaches Node's `fetch`, whose loading
   * was the largest single cost of the api function's import, and most requests are public.
   */
  private keys: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(private readonly options: { issuer: string; audience: string; jwksUrl: string }) {
    // Checked now, so a malformed URL still fails the cold start rather than the first staff request.
    new URL(options.jwksUrl);
  }

  async verify(token: string): Promise<StaffPrincipal> {
    this.keys ??= createRemoteJWKSet(new URL(this.options.jwksUrl));
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['RS256'],
        // A token that never expires would be a key to the staff API for ever.
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      // The key server failing is our outage, not the caller's bad token: let it be a 500 and raise the alarm.
      if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) throw error;
      if (error instanceof errors.JOSEError) throw new NotAuthenticated(error.code);
      throw error;
    }
    if (payload.token_use !== 'id') throw new NotAuthenticated('not an ID token');
    if (typeof payload.sub !== 'string') throw new NotAuthenticated('no subject');
    const groups = Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'] : [];
    const roles = groups.filter((g): g is StaffRole => STAFF_ROLES.includes(g as StaffRole));
    const organisationId = payload['custom:organisation_id'];
    const agencyId = payload['custom:agency_id'];
    return {
      subject: payload.sub,
      roles,
      organisationId: typeof organisationId === 'string' ? organisationId : undefined,
      agencyId: typeof agencyId === 'string' && agencyId !== '' ? agencyId : undefined,
    };
  }
}
