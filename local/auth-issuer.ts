/**
 * The local stand-in for the Cognito user pool: it signs ID tokens of the same shape (RS256, `token_use: id`,
 * `cognito:groups`, `custom:organisation_id`, `custom:agency_id`) and publishes its keys as a JWKS, so the API verifies local
 * tokens with exactly the code that verifies Cognito's.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { STAFF_ROLES, type StaffRole } from '../functions/domain/staff.ts';
import { LocalCloudError } from './errors.ts';

/** Audience (the "app client id") of local staff tokens. */
export const LOCAL_AUDIENCE = 'csp-local-staff';

export interface LocalIssuer {
  readonly issuer: string;
  readonly jwksUrl: string;
  jwks(): { keys: JWK[] };
  /**
   * Signs a token for a staff user with `role` (and, for representatives, `organisationId`; for agency
   * officers, `agencyId`).
   */
  issue(input: {
    role: string;
    organisationId?: string;
    agencyId?: string;
    subject?: string;
    lifetimeSeconds?: number;
  }): Promise<string>;
}

/** Creates the issuer; with `keyFile` the signing key survives restarts (so issued tokens stay valid). */
export async function createLocalIssuer(options: {
  baseUrl: string;
  keyFile?: string;
}): Promise<LocalIssuer> {
  const issuer = `${options.baseUrl}/_local/auth`;
  const { privateJwk, publicJwk } = await loadOrCreateKey(options.keyFile);
  const privateKey = await importJWK(privateJwk, 'RS256');
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    jwks: () => ({ keys: [publicJwk] }),
    async issue({ role, organisationId, agencyId, subject, lifetimeSeconds = 8 * 60 * 60 }) {
      if (!STAFF_ROLES.includes(role as StaffRole)) {
        throw new LocalCloudError(`Unknown role ${role}; roles: ${STAFF_ROLES.join(', ')}`);
      }
      return new SignJWT({
        token_use: 'id',
        'cognito:groups': [role],
        ...(organisationId ? { 'custom:organisation_id': organisationId } : {}),
        ...(agencyId ? { 'custom:agency_id': agencyId } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', kid: publicJwk.kid })
        .setIssuer(issuer)
        .setAudience(LOCAL_AUDIENCE)
        .setSubject(subject ?? `local-${role}-${randomUUID().slice(0, 8)}`)
        .setIssuedAt()
        .setExpirationTime(`${lifetimeSeconds}s`)
        .sign(privateKey);
    },
  };
}

async function loadOrCreateKey(keyFile?: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  if (keyFile && existsSync(keyFile)) return JSON.parse(readFileSync(keyFile, 'utf8'));
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const pair = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
  if (keyFile) {
    mkdirSync(path.dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, JSON.stringify(pair), { mode: 0o600 });
  }
  return pair;
}
