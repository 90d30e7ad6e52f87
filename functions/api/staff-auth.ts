/** Bearer-token authentication and role checks for staff routes. */
import type { MiddlewareHandler } from 'hono';
import { NotAuthenticated, NotPermitted } from '../domain/errors.ts';
import type { StaffPrincipal, StaffRole, StaffTokenVerifier } from '../domain/staff.ts';

/** Context variables set for staff routes. */
export type StaffVariables = { principal: StaffPrincipal };

/**
 * Lets the request through only with a valid staff token carrying one of `roles`: 401 without a valid
 * token, 403 with the wrong role. API Gateway's Cognito authorizer checks the token first on AWS; this is
 * the same check again, so the function never trusts the network path alone.
 */
export function requireStaff(
  verifier: StaffTokenVerifier,
  ...roles: StaffRole[]
): MiddlewareHandler<{ Variables: StaffVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!token) throw new NotAuthenticated(header ? 'malformed Authorization header' : 'no bearer token');
    const principal = await verifier.verify(token);
    if (!principal.roles.some((role) => roles.includes(role))) throw new NotPermitted(roles);
    c.set('principal', principal);
    await next();
  };
}
