/**
 * Signs in to the staff console without a browser, as a browser would: the console's sign-in redirect, the
 * local user pool's sign-in form, the callback; and reads a page's CSRF token. For tests that send the
 * console's forms raw (hostile input, forged tokens).
 */
import { cloud } from './local-cloud.ts';

/** A signed-in console session: its cookie header and its CSRF token. */
export interface ConsoleSessionCookie {
  readonly cookie: string;
  readonly csrf: string;
}

const cookieOf = (response: Response, name: string): string | undefined =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${name}=`));

/** Who signs in on the local user pool's page. */
export interface LocalUser {
  username: string;
  role: string;
  agency?: string;
  organisation?: string;
}

/**
 * Submits the local user pool's sign-in form for `user`, carrying the authorize request's parameters as the page
 * does; the answer redirects to the console's callback.
 */
export function submitLocalSignIn(authorize: URL, user: LocalUser): Promise<Response> {
  const form = new URLSearchParams(authorize.searchParams);
  form.set('username', user.username);
  form.set('role', user.role);
  if (user.agency) form.set('agency_id', user.agency);
  if (user.organisation) form.set('organisation_id', user.organisation);
  return fetch(authorize.origin + authorize.pathname, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}

/** Signs in as `role` (and agency officer of `agency`), returning the session. */
export async function consoleSession(user: LocalUser): Promise<ConsoleSessionCookie> {
  const start = await fetch(`${cloud().api}/console/sign-in`, { redirect: 'manual' });
  const pending = cookieOf(start, '__Host-csp-sign-in');
  const authorize = new URL(start.headers.get('location') ?? '');
  const signedIn = await submitLocalSignIn(authorize, user);
  const callback = signedIn.headers.get('location');
  if (!callback || !pending) throw new Error(`Local sign-in failed (${signedIn.status})`);
  const finished = await fetch(callback, { redirect: 'manual', headers: { cookie: pending } });
  const session = cookieOf(finished, '__Host-csp-session');
  if (!session) throw new Error(`The console did not start a session (${finished.status})`);
  const inbox = await fetch(`${cloud().api}/console/directory`, {
    headers: { cookie: session, 'sec-fetch-site': 'same-origin' },
  });
  const page = await inbox.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error(`No CSRF token on the console page (${inbox.status}): ${page.slice(0, 2000)}`);
  return { cookie: session, csrf };
}
