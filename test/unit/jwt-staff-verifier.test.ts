/**
 * The staff token check: a real RS256 key pair, its JWKS served over HTTP as Cognito serves it, and tokens
 * signed as Cognito signs them. Everything but a current ID token from our pool for our app is refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtStaffVerifier } from '../../functions/adapters/jwt-staff-verifier.ts';
import { NotAuthenticated } from '../../functions/domain/errors.ts';

const ISSUER = 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_TestPool';
const AUDIENCE = 'test-app-client';

let server: http.Server;
let sign: (claims: JWTPayload, options?: { expiresIn?: string | false; alg?: string }) => Promise<string>;
let verifier: JwtStaffVerifier;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  verifier = new JwtStaffVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
  });
  sign = async (claims, options = {}) => {
    let jwt = new SignJWT({ token_use: 'id', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuedAt();
    if (claims.iss === undefined) jwt = jwt.setIssuer(ISSUER);
    if (claims.aud === undefined) jwt = jwt.setAudience(AUDIENCE);
    if (options.expiresIn !== false) jwt = jwt.setExpirationTime(options.expiresIn ?? '1h');
    return jwt.sign(privateKey);
  };
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('JwtStaffVerifier', () => {
  it('reads a current ID token: subject, the roles among its groups, organisation and agency', async () => {
    const token = await sign({
      sub: 'user-1',
      'cognito:groups': ['agency-officer', 'not-a-role'],
      'custom:agency_id': 'kent-police',
      'custom:organisation_id': 'kent-police',
    });

    expect(await verifier.verify(token)).toEqual({
      subject: 'user-1',
      roles: ['agency-officer'],
      organisationId: 'kent-police',
      agencyId: 'kent-police',
    });
  });

  it.each([
    ['an expired token', { sub: 'u' }, { expiresIn: '-1m' }],
    ['a token that never expires', { sub: 'u' }, { expiresIn: false as const }],
    ['a token without a subject', {}, {}],
    ['an access token', { sub: 'u', token_use: 'access' }, {}],
    ['another pool’s token', { sub: 'u', iss: 'https://cognito-idp.eu-west-2.amazonaws.com/other' }, {}],
    ['another app’s token', { sub: 'u', aud: 'other-client' }, {}],
  ])('refuses %s', async (_name, claims, options) => {
    const token = await sign(claims, options);

    await expect(verifier.verify(token)).rejects.toBeInstanceOf(NotAuthenticated);
  });

  it('refuses a token not signed with the pool’s key, and one that is not a JWT', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'u', token_use: 'id' })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);

    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(NotAuthenticated);
    await expect(verifier.verify('not.a.jwt')).rejects.toBeInstanceOf(NotAuthenticated);
  });
});
