/**
 * The local stand-in for the Cognito user pool: it signs ID tokens of the same shape (RS256, `token_use: id`,
 * `cognito:groups`, `custom:organisation_id`, `custom:agency_id`) and publishes its keys as a JWKS, so the API verifies local
 * tokens with exactly the code that verifies Cognito's.
 *
 * It also plays Cognito's hosted UI for registered app clients: the OAuth 2.0 authorization code flow with
 * PKCE (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke`) and `/logout`, at the same paths below the
 * issuer URL as below a Cognito domain, so a web client signs staff in here with the code it runs against
 * Cognito. Instead of a password and MFA, its sign-in page lets the developer choose who to be.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { escapeHtml } from '../functions/domain/email-content.ts';
import { STAFF_ROLES, type StaffRole } from '../functions/domain/staff.ts';
import { LocalCloudError } from './errors.ts';

/** Audience (the "app client id") of local staff tokens. */
export const LOCAL_AUDIENCE = 'csp-local-staff';

/** The app client id of the staff console, which signs staff in through the local hosted UI. */
export const LOCAL_CONSOLE_CLIENT_ID = 'csp-local-console';

/** An app client of the local user pool: a public client (no secret) that must use PKCE. */
export interface LocalOAuthClient {
  readonly clientId: string;
  /** Where `/oauth2/authorize` may send its answer: a `redirect_uri` must equal one of these exactly. */
  readonly callbackUrls: readonly string[];
  /** Where `/logout` may send the browser: a `logout_uri` must equal one of these exactly. */
  readonly logoutUrls: readonly string[];
}

/** What the sign-in page offers to choose from: agencies for agency officers, organisations for representatives. */
export interface LocalDirectory {
  readonly organisations: readonly { id: string; name: string }[];
  readonly agencies: readonly { id: string; name: string }[];
}

/** One request to the local hosted UI, as the HTTP endpoint received it. */
export interface LocalHostedUiRequest {
  readonly method: string;
  /** The path below the issuer URL, such as `/oauth2/authorize`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The raw request body; every POST here is `application/x-www-form-urlencoded`. */
  readonly body: string;
}

/** The answer to send, headers included. */
export interface LocalHostedUiReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Cognito's hosted UI endpoints, locally. */
export interface LocalHostedUi {
  /** Answers a request to one of its paths; undefined when `path` is not one of them. */
  handle(request: LocalHostedUiRequest): Promise<LocalHostedUiReply | undefined>;
}

export interface LocalIssuer {
  readonly issuer: string;
  readonly jwksUrl: string;
  jwks(): { keys: JWK[] };
  /**
   * Signs a token for a staff user with `role` (and, for representatives, `organisationId`; for agency
   * officers, `agencyId`), for `audience` (default `LOCAL_AUDIENCE`, the API's).
   */
  issue(input: {
    role: string;
    organisationId?: string;
    agencyId?: string;
    subject?: string;
    lifetimeSeconds?: number;
    audience?: string;
  }): Promise<string>;
  /** The hosted UI endpoints (authorize, token, revoke, logout) for `clients`, served below `issuer`. */
  readonly oauth: LocalHostedUi;
}

/**
 * Creates the issuer; with `keyFile` the signing key survives restarts (so issued tokens stay valid). Codes and
 * refresh tokens live in memory only: a restart signs everyone out of the hosted UI's clients.
 */
export async function createLocalIssuer(options: {
  baseUrl: string;
  keyFile?: string;
  /** App clients allowed to use the hosted UI; none by default. */
  clients?: readonly LocalOAuthClient[];
  /** Agencies and organisations the sign-in page offers; none by default. */
  directory?: LocalDirectory;
}): Promise<LocalIssuer> {
  const issuer = `${options.baseUrl}/_local/auth`;
  const { privateJwk, publicJwk } = await loadOrCreateKey(options.keyFile);
  const privateKey = await importJWK(privateJwk, 'RS256');
  const sign = (claims: JWTPayload, subject: string, lifetimeSeconds: number, audience?: string) => {
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: publicJwk.kid })
      .setIssuer(issuer)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(`${lifetimeSeconds}s`);
    // Cognito's access tokens carry no `aud`, only `client_id`.
    if (audience !== undefined) jwt = jwt.setAudience(audience);
    return jwt.sign(privateKey);
  };
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    jwks: () => ({ keys: [publicJwk] }),
    async issue({
      role,
      organisationId,
      agencyId,
      subject,
      lifetimeSeconds = 8 * 60 * 60,
      audience = LOCAL_AUDIENCE,
    }) {
      if (!isStaffRole(role)) {
        throw new LocalCloudError(`Unknown role ${role}; roles: ${STAFF_ROLES.join(', ')}`);
      }
      return sign(
        {
          token_use: 'id',
          'cognito:groups': [role],
          ...(organisationId ? { 'custom:organisation_id': organisationId } : {}),
          ...(agencyId ? { 'custom:agency_id': agencyId } : {}),
        },
        subject ?? `local-${role}-${randomUUID().slice(0, 8)}`,
        lifetimeSeconds,
        audience,
      );
    },
    oauth: createHostedUi({
      issuer,
      clients: checkedClients(options.clients ?? []),
      directory: options.directory ?? { organisations: [], agencies: [] },
      sign,
    }),
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

function isStaffRole(role: string): role is StaffRole {
  return STAFF_ROLES.includes(role as StaffRole);
}

/** Refuses a client list Cognito would refuse: duplicate ids, relative URLs, URLs with a fragment. */
function checkedClients(clients: readonly LocalOAuthClient[]): ReadonlyMap<string, LocalOAuthClient> {
  const byId = new Map<string, LocalOAuthClient>();
  for (const client of clients) {
    if (byId.has(client.clientId))
      throw new LocalCloudError(`App client ${client.clientId} is registered twice`);
    for (const url of [...client.callbackUrls, ...client.logoutUrls]) {
      if (!URL.canParse(url) || new URL(url).hash !== '') {
        throw new LocalCloudError(
          `App client ${client.clientId}: ${url} is not an absolute URL without a fragment`,
        );
      }
    }
    byId.set(client.clientId, client);
  }
  return byId;
}

// ——— The hosted UI ———————————————————————————————————————————————————————————————————————————————————————

/** Lifetimes as Cognito's defaults: codes 5 minutes, ID and access tokens 1 hour, refresh tokens 30 days. */
const CODE_LIFETIME_MS = 5 * 60 * 1000;
const TOKEN_LIFETIME_SECONDS = 60 * 60;
const REFRESH_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

const USERNAME = /^[a-z0-9._-]{1,40}$/;
const DEFAULT_USERNAME = 'csu.officer';
/** RFC 7636 §4.2: BASE64URL of a SHA-256 is 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const ROLE_CHOICES: Record<StaffRole, { label: string; hint: string }> = {
  'partnership-admin': {
    label: 'Partnership admin',
    hint: 'Keeps the partnership’s records and runs its governance: the chair and motions.',
  },
  'csu-officer': {
    label: 'CSU officer',
    hint: 'Works on every enquiry and keeps the routing table.',
  },
  'agency-officer': {
    label: 'Agency officer',
    hint: 'Works only on the enquiries referred to their own agency. Choose the agency below.',
  },
  'partner-representative': {
    label: 'Partner representative',
    hint: 'Votes for their own organisation. Choose the organisation below.',
  },
};

/** Who the developer chose to be on the sign-in page. */
interface ChosenStaff {
  readonly username: string;
  readonly role: StaffRole;
  readonly agencyId?: string;
  readonly organisationId?: string;
  /** When they signed in, in seconds since the epoch (the tokens' `auth_time`). */
  readonly authTime: number;
}

/** An authorization request whose client, redirect URI, PKCE and scope were accepted. */
interface AuthorizationRequest {
  readonly client: LocalOAuthClient;
  readonly redirectUri: string;
  readonly state?: string;
  readonly scope: string;
  readonly codeChallenge: string;
  readonly nonce?: string;
}

interface AuthorizationCode {
  readonly request: AuthorizationRequest;
  readonly staff: ChosenStaff;
  readonly expiresAt: number;
  used: boolean;
  /** The refresh token issued for this code, revoked if the code is presented again (RFC 6749 §4.1.2). */
  refreshToken?: string;
}

interface RefreshGrant {
  readonly clientId: string;
  readonly scope: string;
  readonly nonce?: string;
  readonly staff: ChosenStaff;
  readonly expiresAt: number;
}

type Sign = (
  claims: JWTPayload,
  subject: string,
  lifetimeSeconds: number,
  audience?: string,
) => Promise<string>;

/**
 * The hosted UI's endpoints. It keeps no sign-in session: every authorization request shows the sign-in page,
 * so a developer can sign in as someone else without clearing cookies, and `/logout` only redirects.
 */
function createHostedUi(options: {
  issuer: string;
  clients: ReadonlyMap<string, LocalOAuthClient>;
  directory: LocalDirectory;
  sign: Sign;
}): LocalHostedUi {
  const { issuer, clients, directory, sign } = options;
  const codes = new Map<string, AuthorizationCode>();
  const refreshTokens = new Map<string, RefreshGrant>();

  /** Forgets expired codes and refresh tokens, so memory stays bounded by what is current. */
  const sweep = (now: number) => {
    for (const [code, grant] of codes) if (grant.expiresAt <= now) codes.delete(code);
    for (const [token, grant] of refreshTokens) if (grant.expiresAt <= now) refreshTokens.delete(token);
  };

  const authorize = (method: 'GET' | 'POST', params: URLSearchParams): LocalHostedUiReply => {
    const checked = checkAuthorizationRequest(params, clients);
    if (checked.kind === 'untrusted') return errorPage(checked.message);
    if (checked.kind === 'refused') return redirect(checked.redirectUri, checked.answer);
    const { request } = checked;
    if (method === 'GET') {
      return signInPage(request, directory, { username: DEFAULT_USERNAME, role: 'csu-officer' }, []);
    }
    const choice = {
      username: (params.get('username') ?? '').trim(),
      role: params.get('role') ?? '',
      agencyId: params.get('agency_id') ?? '',
      organisationId: params.get('organisation_id') ?? '',
    };
    const errors = choiceErrors(choice, directory);
    if (errors.length > 0) return signInPage(request, directory, choice, errors);
    const now = Date.now();
    sweep(now);
    const role = choice.role as StaffRole;
    const code = randomBytes(32).toString('base64url');
    codes.set(code, {
      request,
      staff: {
        username: choice.username,
        role,
        // Only an agency officer carries an agency, only a representative an organisation: a choice left in
        // the other list (the page shows both, as it works without JavaScript) is ignored.
        ...(role === 'agency-officer' ? { agencyId: choice.agencyId } : {}),
        ...(role === 'partner-representative' ? { organisationId: choice.organisationId } : {}),
        authTime: Math.floor(now / 1000),
      },
      expiresAt: now + CODE_LIFETIME_MS,
      used: false,
    });
    return redirect(request.redirectUri, { code, ...(request.state ? { state: request.state } : {}) });
  };

  /** Signs the ID and access tokens for `staff`, as Cognito shapes them. */
  const tokensFor = async (staff: ChosenStaff, clientId: string, scope: string, nonce?: string) => {
    const subject = `local-${staff.username}`;
    const common = { 'cognito:groups': [staff.role], auth_time: staff.authTime };
    const [idToken, accessToken] = await Promise.all([
      sign(
        {
          ...common,
          jti: randomUUID(),
          token_use: 'id',
          'cognito:username': staff.username,
          ...(staff.organisationId ? { 'custom:organisation_id': staff.organisationId } : {}),
          ...(staff.agencyId ? { 'custom:agency_id': staff.agencyId } : {}),
          ...(nonce ? { nonce } : {}),
        },
        subject,
        TOKEN_LIFETIME_SECONDS,
        clientId,
      ),
      sign(
        {
          ...common,
          jti: randomUUID(),
          token_use: 'access',
          client_id: clientId,
          scope,
          username: staff.username,
        },
        subject,
        TOKEN_LIFETIME_SECONDS,
      ),
    ]);
    return { id_token: idToken, access_token: accessToken };
  };

  const token = async (form: URLSearchParams): Promise<LocalHostedUiReply> => {
    const grantType = present(form, 'grant_type');
    const clientId = present(form, 'client_id');
    if (!grantType || !clientId || repeated(form, [...form.keys()])) return oauthError('invalid_request');
    if (!clients.has(clientId)) return oauthError('invalid_client');
    const now = Date.now();
    sweep(now);

    if (grantType === 'authorization_code') {
      const code = present(form, 'code');
      const redirectUri = present(form, 'redirect_uri');
      const verifier = present(form, 'code_verifier');
      if (!code || !redirectUri || !verifier) return oauthError('invalid_request');
      const grant = codes.get(code);
      if (!grant) return oauthError('invalid_grant');
      if (grant.used) {
        // A code presented twice may have been stolen: what it bought is withdrawn too.
        if (grant.refreshToken) refreshTokens.delete(grant.refreshToken);
        return oauthError('invalid_grant');
      }
      grant.used = true;
      const { request } = grant;
      if (
        grant.expiresAt <= now ||
        request.client.clientId !== clientId ||
        request.redirectUri !== redirectUri ||
        !sameText(s256(verifier), request.codeChallenge)
      ) {
        return oauthError('invalid_grant');
      }
      const refreshToken = randomBytes(48).toString('base64url');
      refreshTokens.set(refreshToken, {
        clientId,
        scope: request.scope,
        ...(request.nonce ? { nonce: request.nonce } : {}),
        staff: grant.staff,
        expiresAt: now + REFRESH_LIFETIME_MS,
      });
      grant.refreshToken = refreshToken;
      const tokens = await tokensFor(grant.staff, clientId, request.scope, request.nonce);
      return tokenReply({
        ...tokens,
        refresh_token: refreshToken,
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_SECONDS,
      });
    }

    if (grantType === 'refresh_token') {
      const refreshToken = present(form, 'refresh_token');
      if (!refreshToken) return oauthError('invalid_request');
      const grant = refreshTokens.get(refreshToken);
      if (!grant || grant.clientId !== clientId) return oauthError('invalid_grant');
      // As Cognito does: new ID and access tokens, the same refresh token (no rotation).
      const tokens = await tokensFor(grant.staff, clientId, grant.scope, grant.nonce);
      return tokenReply({ ...tokens, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS });
    }

    return oauthError('unsupported_grant_type');
  };

  const revoke = (form: URLSearchParams): LocalHostedUiReply => {
    const clientId = present(form, 'client_id');
    const refreshToken = present(form, 'token');
    if (!clientId || !refreshToken) return oauthError('invalid_request');
    if (!clients.has(clientId)) return oauthError('invalid_client');
    // Another client's token is left alone, and answered like an unknown one (RFC 7009 §2.2): nothing leaks.
    if (refreshTokens.get(refreshToken)?.clientId === clientId) refreshTokens.delete(refreshToken);
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: '' };
  };

  const logout = (query: URLSearchParams): LocalHostedUiReply => {
    const client = clients.get(present(query, 'client_id') ?? '');
    const logoutUri = present(query, 'logout_uri');
    if (!client) return errorPage('The client_id is not an app client of the local user pool.');
    // Cognito's other form: the authorize parameters instead of a logout_uri sign out, then show the sign-in
    // page for them (a fresh sign-in). The authorize endpoint checks them as it always does.
    if (!logoutUri && present(query, 'response_type') !== undefined) {
      const authorize = `${issuer}/oauth2/authorize?${query.toString()}`;
      return { status: 302, headers: { location: authorize, 'cache-control': 'no-store' }, body: '' };
    }
    if (!logoutUri || !client.logoutUrls.includes(logoutUri)) {
      return errorPage(`The logout_uri is not one of the sign-out URLs registered for ${client.clientId}.`);
    }
    return { status: 302, headers: { location: logoutUri, 'cache-control': 'no-store' }, body: '' };
  };

  return {
    async handle({ method, path: subpath, query, body }) {
      const endpoint = ENDPOINTS[subpath as keyof typeof ENDPOINTS];
      if (!endpoint) return undefined;
      if (!(endpoint as readonly string[]).includes(method)) {
        return {
          status: 405,
          headers: { allow: endpoint.join(', '), 'content-type': 'application/json' },
          body: JSON.stringify({ error: 'invalid_request' }),
        };
      }
      switch (subpath) {
        case '/oauth2/authorize':
          return authorize(method as 'GET' | 'POST', method === 'GET' ? query : new URLSearchParams(body));
        case '/oauth2/token':
          return token(new URLSearchParams(body));
        case '/oauth2/revoke':
          return revoke(new URLSearchParams(body));
        default:
          return logout(query);
      }
    },
  };
}

/** The hosted UI's paths below the issuer, and the methods each answers. */
const ENDPOINTS = {
  '/oauth2/authorize': ['GET', 'POST'],
  '/oauth2/token': ['POST'],
  '/oauth2/revoke': ['POST'],
  '/logout': ['GET'],
} as const;

/** RFC 6749 §3.1: a parameter sent without a value counts as omitted. */
function present(params: URLSearchParams, name: string): string | undefined {
  return params.get(name) || undefined;
}

/** RFC 6749 §3.1: a parameter sent twice makes the request invalid, rather than one value winning. */
function repeated(params: URLSearchParams, names: readonly string[]): boolean {
  return names.some((name) => params.getAll(name).length > 1);
}

type CheckedAuthorization =
  /** The client or redirect URI cannot be trusted: answer here, never redirect (RFC 6749 §4.1.2.1). */
  | { kind: 'untrusted'; message: string }
  /** A trusted redirect URI, but a request to refuse there with an OAuth error. */
  | { kind: 'refused'; redirectUri: string; answer: Record<string, string> }
  | { kind: 'accepted'; request: AuthorizationRequest };

function checkAuthorizationRequest(
  params: URLSearchParams,
  clients: ReadonlyMap<string, LocalOAuthClient>,
): CheckedAuthorization {
  if (repeated(params, ['client_id', 'redirect_uri'])) {
    return { kind: 'untrusted', message: 'The request names its client_id or redirect_uri more than once.' };
  }
  const client = clients.get(present(params, 'client_id') ?? '');
  if (!client) {
    return { kind: 'untrusted', message: 'The client_id is not an app client of the local user pool.' };
  }
  const redirectUri = present(params, 'redirect_uri') ?? '';
  if (!client.callbackUrls.includes(redirectUri)) {
    return {
      kind: 'untrusted',
      message: `The redirect_uri is not one of the callback URLs registered for ${client.clientId}.`,
    };
  }
  const state = repeated(params, ['state']) ? undefined : present(params, 'state');
  const refuse = (error: string, description: string): CheckedAuthorization => ({
    kind: 'refused',
    redirectUri,
    answer: { error, error_description: description, ...(state ? { state } : {}) },
  });
  const parameters = [
    'response_type',
    'state',
    'scope',
    'code_challenge',
    'code_challenge_method',
    'nonce',
  ] as const;
  if (repeated(params, parameters)) return refuse('invalid_request', 'A parameter is repeated');
  if (present(params, 'response_type') !== 'code') {
    return refuse('unsupported_response_type', 'Only response_type=code is supported');
  }
  const codeChallenge = present(params, 'code_challenge');
  if (!codeChallenge || present(params, 'code_challenge_method') !== 'S256') {
    return refuse('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
  }
  if (!S256_CHALLENGE.test(codeChallenge)) {
    return refuse('invalid_request', 'code_challenge is not a BASE64URL-encoded SHA-256');
  }
  const scope = present(params, 'scope') ?? '';
  const scopes = scope.split(' ');
  if (!scopes.includes('openid') || !scopes.every((token) => SCOPE_TOKEN.test(token))) {
    return refuse('invalid_scope', 'The scope must include openid');
  }
  const nonce = present(params, 'nonce');
  return {
    kind: 'accepted',
    request: {
      client,
      redirectUri,
      scope,
      codeChallenge,
      ...(state ? { state } : {}),
      ...(nonce ? { nonce } : {}),
    },
  };
}

/** What the sign-in form sent (or shows), before it is checked. */
interface StaffChoice {
  readonly username: string;
  readonly role: string;
  readonly agencyId?: string;
  readonly organisationId?: string;
}

/** A problem with one field of the sign-in form: the id of the control to fix, and what to do. */
interface FieldError {
  readonly field: 'username' | 'role' | 'agency' | 'organisation';
  readonly message: string;
}

/** The first control of each field, where the error summary's link takes the reader (GOV.UK pattern). */
const FIELD_TARGETS: Record<FieldError['field'], string> = {
  username: 'username',
  role: `role-${STAFF_ROLES[0]}`,
  agency: 'agency',
  organisation: 'organisation',
};

function choiceErrors(choice: StaffChoice, directory: LocalDirectory): FieldError[] {
  const errors: FieldError[] = [];
  if (choice.username === '') {
    errors.push({ field: 'username', message: 'Enter a user name' });
  } else if (!USERNAME.test(choice.username)) {
    errors.push({
      field: 'username',
      message:
        'User name must be 40 characters or fewer and use only lowercase letters, numbers, full stops, hyphens and underscores',
    });
  }
  if (!isStaffRole(choice.role)) {
    errors.push({ field: 'role', message: 'Select a role' });
  } else if (
    choice.role === 'agency-officer' &&
    !directory.agencies.some((agency) => agency.id === choice.agencyId)
  ) {
    errors.push({ field: 'agency', message: 'Select the agency the agency officer works for' });
  } else if (
    choice.role === 'partner-representative' &&
    !directory.organisations.some((organisation) => organisation.id === choice.organisationId)
  ) {
    errors.push({ field: 'organisation', message: 'Select the organisation the representative votes for' });
  }
  return errors;
}

// ——— Answers ———————————————————————————————————————————————————————————————————————————————————————————

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Compares in constant time, so a guess at a code challenge learns nothing from the timing. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function redirect(to: string, parameters: Record<string, string>): LocalHostedUiReply {
  const url = new URL(to);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return {
    status: 302,
    headers: { location: url.toString(), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
    body: '',
  };
}

function tokenReply(tokens: Record<string, string | number>): LocalHostedUiReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
    body: JSON.stringify(tokens),
  };
}

/** An OAuth error as Cognito's token and revoke endpoints answer it: 400 and `{ "error": … }` only. */
function oauthError(
  error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type',
): LocalHostedUiReply {
  return {
    status: 400,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
    body: JSON.stringify({ error }),
  };
}

// GOV.UK Design System values: text #0b0c0c (19:1 on white), hints #505a5f (7:1), links #1d70b8 (5.2:1),
// errors #d4351c (4.5:1), the button #00703c (5.9:1 under white), focus #ffdd00 with #0b0c0c. Sizes in rem so
// they follow the reader's font setting; 1.1875rem is 19px by default.
const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: #ffffff; color: #0b0c0c; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; font-size: 1.1875rem; line-height: 1.4; overflow-wrap: break-word; }
main { display: block; max-width: 40rem; margin: 0 auto; padding: 2rem 1rem 3rem; }
h1 { margin: 0 0 1.5rem; font-size: 2rem; line-height: 1.15; }
h2 { margin: 0 0 1rem; font-size: 1.5rem; line-height: 1.2; }
p { margin: 0 0 1rem; }
a { color: #1d70b8; text-decoration: underline; text-underline-offset: 0.15em; }
a:visited { color: #4c2c92; }
a:hover { color: #003078; }
a:focus { outline: 3px solid #ffdd00; outline-offset: 0; background-color: #ffdd00; color: #0b0c0c; box-shadow: 0 4px #0b0c0c; text-decoration: none; }
.notice { margin: 0 0 2rem; border: 5px solid #1d70b8; }
.notice h2 { margin: 0; padding: 0.25rem 1rem 0.4rem; background: #1d70b8; color: #ffffff; font-size: 1.1875rem; }
.notice div { padding: 1rem 1rem 0; }
.error-summary { margin: 0 0 2rem; padding: 1rem 1rem 0.25rem; border: 5px solid #d4351c; }
.error-summary ul { margin: 0 0 1rem; padding: 0; list-style: none; }
.error-summary li { margin: 0 0 0.5rem; }
.error-summary a, .error-summary a:visited { color: #d4351c; font-weight: 700; }
.error-summary a:focus { color: #0b0c0c; }
.form-group { margin: 0 0 2rem; }
.form-group--error { padding-left: 1rem; border-left: 5px solid #d4351c; }
fieldset { min-width: 0; margin: 0; padding: 0; border: 0; }
legend { margin: 0 0 0.5rem; padding: 0; font-size: 1.5rem; font-weight: 700; line-height: 1.2; }
.label { display: block; margin: 0 0 0.25rem; font-weight: 700; }
.hint { margin: 0 0 0.75rem; color: #505a5f; }
.error-message { margin: 0 0 0.75rem; color: #d4351c; font-weight: 700; }
.input, .select { min-height: 2.5rem; width: 100%; max-width: 20em; padding: 0.25rem 0.4rem; border: 2px solid #0b0c0c; border-radius: 0; background: #ffffff; color: #0b0c0c; font: inherit; }
.input--error { border-color: #d4351c; }
.input:focus, .select:focus { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: inset 0 0 0 2px #0b0c0c; }
.radio { display: flex; align-items: flex-start; gap: 0.6rem; margin: 0 0 0.75rem; }
.radio input { flex: none; width: 1.75rem; height: 1.75rem; margin: 0; accent-color: #0b0c0c; }
.radio input:focus { outline: 3px solid #ffdd00; outline-offset: 1px; box-shadow: 0 0 0 5px #0b0c0c; }
.radio label { display: block; padding-top: 0.1rem; }
.radio .hint { margin: 0; }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: 1.5rem; }
.button { margin: 0; padding: 0.5rem 0.75rem; border: 2px solid transparent; border-radius: 0; background: #00703c; box-shadow: 0 2px 0 #002d18; color: #ffffff; font: inherit; cursor: pointer; }
.button:hover { background: #005a30; }
.button:focus { outline: 3px solid transparent; border-color: #ffdd00; background: #ffdd00; box-shadow: inset 0 0 0 1px #ffdd00, 0 2px 0 #0b0c0c; color: #0b0c0c; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: 0; padding: 0; overflow: hidden; clip-path: inset(50%); white-space: nowrap; border: 0; }
`;

/** The inline style block's hash: the CSP allows it and nothing else, computed from the very text embedded. */
const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/**
 * Headers for the hosted UI's pages. Forms may post only to the page's own origin and, because Chrome applies
 * `form-action` to the redirect that answers a post, to the origin the sign-in then redirects to.
 */
function pageHeaders(redirectUri?: string): Record<string, string> {
  const formAction = redirectUri ? `'self' ${originOf(redirectUri)}` : "'none'";
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; style-src ${STYLE_SOURCE}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

/** A URL's origin as a CSP source; an app's own scheme (`myapp://callback`) has none, so its scheme it is. */
function originOf(url: string): string {
  const parsed = new URL(url);
  return parsed.origin === 'null' ? parsed.protocol : parsed.origin;
}

function page(title: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="main-content">
${main}
</main>
</body>
</html>
`;
}

/** A request the hosted UI will not send back to its client: said here, to the developer, never redirected. */
function errorPage(message: string): LocalHostedUiReply {
  return {
    status: 400,
    headers: pageHeaders(),
    body: page(
      'Sign-in request refused (local only) – Community Safety Partnership',
      `<h1>The sign-in request was refused</h1>
<p>${escapeHtml(message)}</p>
<p>Check the app client’s settings in the local cloud: its client_id, callback URLs and sign-out URLs.</p>`,
    ),
  };
}

const LOCAL_ONLY_NOTICE = `<div class="notice" role="region" aria-labelledby="notice-title">
<h2 id="notice-title">Local cloud only</h2>
<div>
<p>This page exists only in the local cloud, for development. It signs you in as whoever you choose, without a password.</p>
<p>On AWS, staff sign in through the Cognito hosted UI with their password and multi-factor authentication (MFA).</p>
</div>
</div>`;

function signInPage(
  request: AuthorizationRequest,
  directory: LocalDirectory,
  choice: StaffChoice,
  errors: readonly FieldError[],
): LocalHostedUiReply {
  const errorOf = (field: FieldError['field']) => errors.find((error) => error.field === field);
  const groupClass = (field: FieldError['field']) =>
    `form-group${errorOf(field) ? ' form-group--error' : ''}`;
  const inlineError = (field: FieldError['field']) => {
    const error = errorOf(field);
    return error
      ? `<p class="error-message" id="${field}-error"><span class="visually-hidden">Error:</span> ${escapeHtml(error.message)}</p>`
      : '';
  };
  const describedBy = (field: FieldError['field'], ...ids: string[]) =>
    [...ids, ...(errorOf(field) ? [`${field}-error`] : [])].join(' ');

  const summary =
    errors.length === 0
      ? ''
      : `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul>
${errors.map((error) => `<li><a href="#${FIELD_TARGETS[error.field]}">${escapeHtml(error.message)}</a></li>`).join('\n')}
</ul>
</div>`;

  const hidden = (
    [
      ['response_type', 'code'],
      ['client_id', request.client.clientId],
      ['redirect_uri', request.redirectUri],
      ['scope', request.scope],
      ['code_challenge', request.codeChallenge],
      ['code_challenge_method', 'S256'],
      ['state', request.state],
      ['nonce', request.nonce],
    ] as const
  )
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value ?? '')}">`)
    .join('\n');

  const radios = STAFF_ROLES.map((role) => {
    const id = `role-${role}`;
    return `<div class="radio">
<input type="radio" id="${id}" name="role" value="${role}" aria-describedby="${id}-hint"${choice.role === role ? ' checked' : ''}>
<div>
<label for="${id}">${escapeHtml(ROLE_CHOICES[role].label)}</label>
<p class="hint" id="${id}-hint">${escapeHtml(ROLE_CHOICES[role].hint)}</p>
</div>
</div>`;
  }).join('\n');

  const select = (
    field: 'agency' | 'organisation',
    name: string,
    label: string,
    hint: string,
    options: readonly { id: string; name: string }[],
    chosen: string | undefined,
  ) => `<div class="${groupClass(field)}">
<label class="label" for="${field}">${label}</label>
<p class="hint" id="${field}-hint">${hint}</p>
${inlineError(field)}
<select class="select${errorOf(field) ? ' input--error' : ''}" id="${field}" name="${name}" aria-describedby="${describedBy(field, `${field}-hint`)}">
<option value="">None</option>
${options
  .map(
    (option) =>
      `<option value="${escapeHtml(option.id)}"${option.id === chosen ? ' selected' : ''}>${escapeHtml(option.name)}</option>`,
  )
  .join('\n')}
</select>
</div>`;

  const cancel = new URL(request.redirectUri);
  cancel.searchParams.set('error', 'access_denied');
  if (request.state) cancel.searchParams.set('state', request.state);

  const title = 'Sign in (local only) – Community Safety Partnership';
  return {
    status: errors.length > 0 ? 400 : 200,
    headers: pageHeaders(request.redirectUri),
    body: page(
      errors.length > 0 ? `Error: ${title}` : title,
      `${summary}
<h1>Sign in (local only)</h1>
${LOCAL_ONLY_NOTICE}
<form method="post" action="authorize" novalidate>
${hidden}
<div class="${groupClass('username')}">
<label class="label" for="username">User name</label>
<p class="hint" id="username-hint">Up to 40 lowercase letters, numbers, full stops, hyphens or underscores. Your user id will be local-&lt;user name&gt;.</p>
${inlineError('username')}
<input class="input${errorOf('username') ? ' input--error' : ''}" id="username" name="username" type="text" value="${escapeHtml(choice.username)}" autocomplete="username" spellcheck="false" autocapitalize="none" aria-describedby="${describedBy('username', 'username-hint')}">
</div>
<div class="${groupClass('role')}">
<fieldset${errorOf('role') ? ' aria-describedby="role-error"' : ''}>
<legend>Role</legend>
${inlineError('role')}
${radios}
</fieldset>
</div>
${select('agency', 'agency_id', 'Agency', 'Only for an agency officer: the agency they work for.', directory.agencies, choice.agencyId)}
${select('organisation', 'organisation_id', 'Organisation', 'Only for a partner representative: the organisation they vote for.', directory.organisations, choice.organisationId)}
<div class="actions">
<button class="button" type="submit">Sign in</button>
<a href="${escapeHtml(cancel.toString())}">Cancel</a>
</div>
</form>`,
    ),
  };
}
