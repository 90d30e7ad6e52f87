/**
 * The web front doors as one Hono app, the `web` function's: the public contact form (`/contact`), the staff
 * console (`/console`) and their static assets. Server-rendered GOV.UK pages with no script, calling the same
 * use cases as the API: `submitEnquiry` for the form, the casework use cases (every case view audited) for the
 * console. Staff sign in through the staff pool's hosted sign-in (code flow + PKCE); the session is an
 * encrypted, HttpOnly, Secure, SameSite=Strict cookie; every form carries a CSRF token.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { Hono } from 'hono/tiny';
import { isServiceOutage } from '../adapters/aws-outage.ts';
import { caseView } from '../api/case-view.ts';
import { honoPath } from '../api/define-route.ts';
import { logSubmission, toNewEnquiry } from '../api/enquiry-intake.ts';
import { requestLog, securityHeaders } from '../api/http-middleware.ts';
import { IdempotencyHeaderSchema } from '../api/schemas.ts';
import { isCsuOfficer, MAX_NOTE_LENGTH, MAX_PUBLIC_UPDATE_LENGTH, targetsFor } from '../domain/casework.ts';
import type { CaseRepository } from '../domain/casework-ports.ts';
import {
  CLOSURE_REASONS,
  type ClosureReason,
  DECLINE_REASONS,
  type DeclineReason,
} from '../domain/casework-vocabulary.ts';
import { consentsToEmail, ENQUIRY_STATUSES, type EnquiryStatus, statusUrl } from '../domain/enquiry.ts';
import {
  CaseActionRefused,
  CategoryRetired,
  EnquiryNotFound,
  IdempotencyKeyInUse,
  IdempotencyKeyReused,
  NotPermitted,
  PreconditionRequired,
  RecordNotFound,
  StaleVersion,
  UnknownCategory,
  ValidationFailed,
} from '../domain/errors.ts';
import type {
  Clock,
  EnquiryRepository,
  EventPublisher,
  PersonalDataHasher,
  ReferenceDataRepository,
} from '../domain/ports.ts';
import type { StaffPrincipal } from '../domain/staff.ts';
import {
  acceptCaseReferral,
  addCaseNote,
  assignCaseTo,
  declineCaseReferral,
  listInbox,
  publishCaseUpdate,
  referCase,
  transitionCaseTo,
  viewCase,
} from '../domain/use-cases/casework.ts';
import { etagOf } from '../domain/use-cases/governance-writes.ts';
import { submitEnquiry } from '../domain/use-cases/submit-enquiry.ts';
import { getRouting, updateRouting } from '../domain/use-cases/update-routing.ts';
import { safeError } from '../observability.ts';
import { PAGES } from '../topology.ts';
import { ASSETS } from './assets.ts';
import { type FieldErrors, textarea } from './components.ts';
import {
  CASE_ACTIONS,
  type CaseAction,
  caseMain,
  directoryMain,
  inboxMain,
  messageMain,
  routingMain,
  routingRuleMain,
  signedInBar,
} from './console-pages.ts';
import {
  type ContactFormValues,
  confirmationMain,
  contactFormMain,
  enquiryFromForm,
  errorsFromViolations,
  readContactForm,
} from './contact-form.ts';
import { html } from './html.ts';
import { type Chrome, type PageContent, pageSecurityPolicy, renderPage } from './layout.ts';
import {
  type ConsoleSession,
  type EndedSessions,
  formToken,
  openPendingSignIn,
  openSession,
  randomToken,
  SESSION_MAX_SECONDS,
  sameToken,
  sealPendingSignIn,
  sealSession,
  sessionEndsAt,
  type WebKeySource,
} from './session.ts';
import { codeChallengeOf, SignInRefused, SignInUnavailable, type StaffSignIn } from './staff-sign-in.ts';

/** Everything the web front doors need, built once by the web function's composition root. */
export interface WebDeps {
  readonly enquiries: EnquiryRepository;
  readonly cases: CaseRepository;
  /** Cached reference data: categories, agencies, routing rules, the partnership record. */
  readonly referenceData: Pick<
    ReferenceDataRepository,
    'getCategory' | 'listCategories' | 'getPartnership' | 'listAgencies' | 'getRoutingRule'
  >;
  /** The same data as stored, for the routing table's changes (read fresh, written under If-Match). */
  readonly routingData: ReferenceDataRepository;
  readonly events: EventPublisher;
  readonly personalData: PersonalDataHasher;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly keys: WebKeySource;
  /** Sessions ended by signing out. */
  readonly sessions: EndedSessions;
  readonly signIn: StaffSignIn;
  /** The API's public base URL: pages link under its path, and the sign-in callback is under it. */
  readonly publicApiUrl: string;
  readonly statusPageBaseUrl: string;
  /** Origin of the staff sign-in service: signing out posts a form that redirects there. */
  readonly signInOrigin: string;
}

type WebEnv = {
  Variables: {
    log: Logger;
    correlationId: string;
    session: ConsoleSession;
    /** The posted form, once read. */
    form: URLSearchParams;
  };
};

/**
 * Largest form a browser may post. Every field full, in a script whose characters take three bytes in UTF-8
 * and nine once percent-encoded (a 4,000-character description in Chinese is 36 KiB), is still under it.
 */
export const MAX_FORM_BYTES = 96 * 1024;

/** The fields of console forms where people write at length: shown back if their session ended meanwhile. */
const TYPED_FIELDS = ['text', 'message', 'publicMessage', 'note'] as const;

/** Cases per page of the inbox. */
const INBOX_PAGE_SIZE = 25;

/** Cookie names, all `__Host-` (Secure, Path=/, no Domain: no other site or subdomain can set them). */
const COOKIES = {
  session: 'csp-session',
  signIn: 'csp-sign-in',
  form: 'csp-form',
  flash: 'csp-flash',
} as const;

/** A session's cookie is re-sealed at most this often (its idle clock moves on). */
const RESEAL_AFTER_SECONDS = 60;

/** Builds the web app. */
export function createWebApp(deps: WebDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const apiUrl = deps.publicApiUrl.replace(/\/+$/, '');
  const basePath = new URL(apiUrl).pathname.replace(/\/+$/, '');
  const href = (path: string) => `${basePath}${path}`;
  const callbackUrl = `${apiUrl}${PAGES.signInCallback.path}`;
  const consoleCsp = pageSecurityPolicy([deps.signInOrigin]);
  const publicCsp = pageSecurityPolicy();
  const nowSeconds = () => Math.floor(deps.clock().getTime() / 1000);

  const agencyNames = async () =>
    new Map((await deps.referenceData.listAgencies()).map((a) => [a.id, a.name]));
  const partnership = async () => {
    const found = await deps.referenceData.getPartnership();
    if (!found) throw new Error('The partnership record is missing');
    return found;
  };

  /** A page of the console, with its navigation and who is signed in. */
  const consolePage = async (
    c: Context<WebEnv>,
    content: PageContent,
    current: 'inbox' | 'routing' | 'directory' | undefined,
    status: 200 | 400 | 403 | 404 | 409 | 422 = 200,
  ) => {
    const session = c.var.session;
    const [record, agencies] = await Promise.all([partnership(), agencyNames()]);
    const csu = isCsuOfficer(session.principal);
    const chrome: Chrome = {
      basePath,
      serviceName: `${record.name} console`,
      serviceHref: href(PAGES.inbox.path),
      nav: [
        ...(caseworker(session.principal)
          ? [{ text: 'Inbox', href: href(PAGES.inbox.path), current: current === 'inbox' }]
          : []),
        ...(csu
          ? [{ text: 'Routing table', href: href(PAGES.routingPage.path), current: current === 'routing' }]
          : []),
        ...(mayReadDirectory(session.principal)
          ? [{ text: 'Directory', href: href(PAGES.directoryPage.path), current: current === 'directory' }]
          : []),
      ],
      bar: signedInBar({
        displayName: session.displayName,
        principal: session.principal,
        agencies,
        signOutAction: href(PAGES.signOut.path),
        csrf: session.csrf,
        // As the cookie says (re-sealed at most once a minute): never later than the session really ends.
        endsAt: sessionEndsAt(session),
      }),
    };
    c.header('Content-Security-Policy', consoleCsp);
    return c.html(renderPage(chrome, content), status);
  };

  /** A console page for someone not signed in (sign-in problems, signed out). */
  const plainConsolePage = async (
    c: Context<WebEnv>,
    content: PageContent,
    status: 200 | 400 | 401 | 403 | 503 = 200,
  ) => {
    const record = await deps.referenceData.getPartnership().catch(() => undefined);
    c.header('Content-Security-Policy', consoleCsp);
    return c.html(
      renderPage(
        {
          basePath,
          serviceName: `${record?.name ?? 'Community Safety Partnership'} console`,
          serviceHref: href(PAGES.inbox.path),
        },
        content,
      ),
      status,
    );
  };

  const publicPage = async (
    c: Context<WebEnv>,
    content: PageContent,
    status: 200 | 400 | 403 | 404 | 409 | 413 | 415 | 422 | 503 = 200,
  ) => {
    const record = await partnership();
    c.header('Content-Security-Policy', publicCsp);
    const chrome: Chrome = {
      basePath,
      serviceName: record.name,
      serviceHref: href(PAGES.contactForm.path),
      footerLinks: record.privacyNoticeUrl ? [{ text: 'Privacy notice', href: record.privacyNoticeUrl }] : [],
    };
    return c.html(renderPage(chrome, content), status);
  };

  app.use('*', securityHeaders());
  app.use('*', requestLog(deps.logger));
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_FORM_BYTES,
      onError: (c) => c.text('The form is too large.', 413),
    }),
  );

  // ---- Static assets ----------------------------------------------------------------------------------
  app.get('/assets/:file', (c) => {
    const asset = ASSETS.get(c.req.param('file'));
    if (!asset) return c.text('Not found', 404);
    c.header('Cache-Control', asset.cacheControl);
    c.header('Content-Type', asset.contentType);
    return c.body(asset.body);
  });

  // ---- The public contact form ------------------------------------------------------------------------
  /** The browser's form cookie (set now when it has none) and the CSRF token that goes with it. */
  const formCsrf = async (c: Context<WebEnv>) => {
    let cookie = getCookie(c, COOKIES.form, 'host');
    if (!cookie || !/^[\w-]{43}$/.test(cookie)) {
      cookie = randomToken();
      // Lax: a person arriving from the council's website gets the form; a cross-site POST never carries it.
      setHostCookie(c, COOKIES.form, cookie, 'Lax', 24 * 60 * 60);
    }
    return formToken(await deps.keys.keys(), cookie);
  };

  const renderForm = async (
    c: Context<WebEnv>,
    values: ContactFormValues,
    idempotencyKey: string,
    errors?: FieldErrors,
    expired = false,
  ) => {
    const [record, categories] = await Promise.all([partnership(), deps.referenceData.listCategories()]);
    return publicPage(
      c,
      {
        title: `Contact the ${record.csuName}`,
        errors,
        main: contactFormMain({
          expired,
          partnership: record,
          categories: categories.filter((category) => !category.retired),
          values,
          errors,
          action: href(PAGES.submitContactForm.path),
          csrfToken: await formCsrf(c),
          idempotencyKey,
        }),
      },
      expired ? 403 : errors ? 422 : 200,
    );
  };

  app.get(PAGES.contactForm.path, (c) => renderForm(c, {}, randomUUID()));

  app.post(PAGES.submitContactForm.path, async (c) => {
    if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '')) {
      return publicPage(
        c,
        {
          title: 'The form could not be read',
          main: messageMain('The form could not be read', ['Send it from the contact form page.']),
        },
        415,
      );
    }
    const form = await readForm(c);
    const newForm = html`<a class="govuk-link" href="${href(PAGES.contactForm.path)}">Start again</a>`;
    const cookie = getCookie(c, COOKIES.form, 'host');
    const keys = await deps.keys.keys();
    const keyCheck = IdempotencyHeaderSchema().safeParse({
      'idempotency-key': stringField(form.idempotencyKey),
    });
    const idempotencyKey = keyCheck.success ? keyCheck.data['idempotency-key'] : undefined;
    if (!cookie || !sameToken(stringField(form.csrf), formToken(keys, cookie))) {
      // Our own page, left open too long (or its cookie cleared): nothing is lost, the answers come back with
      // a fresh token. A post from another site gets no form filled in by that site.
      if (c.req.header('sec-fetch-site') === 'same-origin' && idempotencyKey) {
        return renderForm(c, readContactForm(form), idempotencyKey, undefined, true);
      }
      return publicPage(
        c,
        {
          title: 'Your form has expired',
          main: messageMain('Your form has expired', [
            'For your security, forms expire after a day or when your browser’s cookies are cleared. Nothing was sent.',
            newForm,
          ]),
        },
        403,
      );
    }
    if (!idempotencyKey) {
      return publicPage(
        c,
        {
          title: 'The form could not be read',
          main: messageMain('The form could not be read', [
            'It was missing a part we need. Nothing was sent.',
            newForm,
          ]),
        },
        400,
      );
    }
    const values = readContactForm(form);
    const checked = enquiryFromForm(values);
    if (!checked.ok) return renderForm(c, values, idempotencyKey, checked.errors);
    let result: Awaited<ReturnType<typeof submitEnquiry>>;
    try {
      result = await submitEnquiry(deps, { enquiry: toNewEnquiry(checked.body), idempotencyKey });
    } catch (error) {
      if (error instanceof UnknownCategory || error instanceof CategoryRetired) {
        return renderForm(
          c,
          values,
          idempotencyKey,
          errorsFromViolations([{ field: 'category', message: error.message }]),
        );
      }
      if (error instanceof ValidationFailed)
        return renderForm(c, values, idempotencyKey, errorsFromViolations(error.violations));
      if (error instanceof IdempotencyKeyReused) {
        return publicPage(
          c,
          {
            title: 'You have already sent this form',
            main: messageMain('You have already sent this form', [
              'You went back and changed a form you had already sent, so we did not send it again.',
              html`<a class="govuk-link" href="${href(PAGES.contactForm.path)}">Send a new enquiry</a>`,
            ]),
          },
          409,
        );
      }
      if (error instanceof IdempotencyKeyInUse) {
        return publicPage(
          c,
          {
            title: 'Your enquiry is being sent',
            main: messageMain('Your enquiry is still being sent', [
              'Wait a few seconds, then refresh this page. Do not send the form again.',
            ]),
          },
          409,
        );
      }
      throw error;
    }
    logSubmission(c.var.log, result, { channel: 'contact-form' });
    const { enquiry } = result;
    const record = await partnership();
    return publicPage(c, {
      title: 'Enquiry sent',
      main: confirmationMain({
        reference: enquiry.reference,
        statusUrl: statusUrl(deps.statusPageBaseUrl, enquiry),
        acknowledgement: enquiry.acknowledgementLimited
          ? 'limited'
          : consentsToEmail(enquiry)
            ? 'requested'
            : 'not-requested',
        happeningNow: enquiry.happeningNow,
        partnership: record,
        newFormHref: href(PAGES.contactForm.path),
      }),
    });
  });

  // ---- Signing in and out -----------------------------------------------------------------------------
  const signInHref = (returnTo: string, fresh = false) =>
    `${href(PAGES.signIn.path)}?${new URLSearchParams({ returnTo, ...(fresh ? { fresh: '1' } : {}) })}`;

  app.get(PAGES.signIn.path, async (c) => {
    const wanted = c.req.query('returnTo') ?? PAGES.inbox.path;
    const returnTo = isConsolePath(wanted) ? wanted : PAGES.inbox.path;
    const pending = { state: randomToken(), codeVerifier: randomToken(), returnTo };
    // Lax, not Strict: the browser must send it back on the redirect from the sign-in service, another site.
    setHostCookie(
      c,
      COOKIES.signIn,
      await sealPendingSignIn(await deps.keys.keys(), pending, nowSeconds()),
      'Lax',
      10 * 60,
    );
    return c.redirect(
      deps.signIn.authorizationUrl({
        state: pending.state,
        codeChallenge: codeChallengeOf(pending.codeVerifier),
        redirectUri: callbackUrl,
        fresh: c.req.query('fresh') === '1',
      }),
      302,
    );
  });

  app.get(PAGES.signInCallback.path, async (c) => {
    const keys = await deps.keys.keys();
    const pending = await openPendingSignIn(keys, getCookie(c, COOKIES.signIn, 'host'));
    clearHostCookie(c, COOKIES.signIn);
    const tryAgain = html`<a class="govuk-link" href="${href(PAGES.signIn.path)}">Sign in again</a>`;
    const code = c.req.query('code');
    if (!pending || !sameToken(c.req.query('state'), pending.state) || (!code && !c.req.query('error'))) {
      return plainConsolePage(
        c,
        {
          title: 'Sign-in could not be completed',
          main: messageMain('Sign-in could not be completed', [
            'It took too long, or it was started in another window.',
            tryAgain,
          ]),
        },
        400,
      );
    }
    if (!code) {
      return plainConsolePage(
        c,
        { title: 'You did not sign in', main: messageMain('You did not sign in', [tryAgain]) },
        401,
      );
    }
    let staff: Awaited<ReturnType<StaffSignIn['exchangeCode']>>;
    try {
      staff = await deps.signIn.exchangeCode({
        code,
        codeVerifier: pending.codeVerifier,
        redirectUri: callbackUrl,
      });
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      c.var.log.warn('Sign-in refused', { reason: error.reason });
      return plainConsolePage(
        c,
        {
          title: 'Sign-in could not be completed',
          main: messageMain('Sign-in could not be completed', [tryAgain]),
        },
        400,
      );
    }
    const now = nowSeconds();
    const session: ConsoleSession = {
      id: randomToken(),
      principal: staff.principal,
      displayName: staff.displayName,
      csrf: randomToken(),
      refreshToken: staff.refreshToken,
      signedInAt: now,
      lastSeenAt: now,
      principalExpiresAt: staff.expiresAt,
    };
    await setSession(c, session);
    c.var.log.info('Staff signed in', { subject: staff.principal.subject, roles: staff.principal.roles });
    // A page, not a redirect: the browser came from the sign-in service (another site), and a redirect would
    // keep that navigation cross-site, so the new SameSite=Strict cookie would not be sent with it.
    const target = href(pending.returnTo);
    return plainConsolePage(c, {
      title: 'Signed in',
      refreshTo: target,
      main: messageMain('You are signed in', [html`<a class="govuk-link" href="${target}">Continue</a>`]),
    });
  });

  const setSession = async (c: Context<WebEnv>, session: ConsoleSession) => {
    setHostCookie(c, COOKIES.session, await sealSession(await deps.keys.keys(), session), 'Strict');
  };

  app.get(PAGES.signedOut.path, (c) =>
    plainConsolePage(c, {
      title: 'You have signed out',
      main: messageMain('You have signed out', [
        html`<a class="govuk-link" href="${href(PAGES.signIn.path)}">Sign in again</a>`,
      ]),
    }),
  );

  // ---- The console: every other /console page needs a session ----------------------------------------
  /** Ends the browser's session here: the cookie goes, and a copy of it is refused from now on. */
  const endSession = async (c: Context<WebEnv>, session: ConsoleSession | undefined) => {
    clearHostCookie(c, COOKIES.session);
    if (!session) return;
    await deps.sessions.end(session.id, session.signedInAt + SESSION_MAX_SECONDS);
    try {
      await deps.signIn.revoke(session.refreshToken);
    } catch (error) {
      // The session has still ended here; the refresh token expires on its own within hours.
      c.var.log.warn('The refresh token could not be revoked', { error: safeError(error) });
    }
  };

  const requireSession: MiddlewareHandler<WebEnv> = async (c, next) => {
    const keys = await deps.keys.keys();
    const now = nowSeconds();
    const opened = await openSession(keys, getCookie(c, COOKIES.session, 'host'), now);
    const here = new URL(c.req.url);
    const returnTo = `${here.pathname}${here.search}`;
    const ended = opened.kind === 'active' && (await deps.sessions.hasEnded(opened.session.id));
    if (opened.kind !== 'active' || ended) {
      if (opened.kind !== 'none') clearHostCookie(c, COOKIES.session);
      if (c.req.method === 'POST')
        return signedOutOnPost(c, opened.kind === 'none' ? undefined : opened.session);
      // Arriving from another site (a link in an email), a SameSite=Strict cookie is not sent. Reload from this
      // site once before asking the person to sign in: a signed-in officer then goes straight to the case.
      const site = c.req.header('sec-fetch-site');
      if (opened.kind === 'none' && (site === 'cross-site' || site === 'same-site')) {
        return plainConsolePage(c, {
          title: 'Opening the console',
          refreshTo: href(returnTo),
          main: messageMain('Opening the console', [
            html`<a class="govuk-link" href="${href(returnTo)}">Continue</a>`,
          ]),
        });
      }
      // A session that ended (idle, too long, signed out elsewhere) asks for the password again, not for a
      // sign-in service session that may outlive it.
      return c.redirect(signInHref(returnTo, opened.kind !== 'none'), 303);
    }
    let session = opened.session;
    let changed = now - session.lastSeenAt >= RESEAL_AFTER_SECONDS;
    if (now >= session.principalExpiresAt) {
      // Hourly, the refresh token brings the person's current roles and agency; a revoked or disabled
      // account ends the session here.
      try {
        const renewed = await deps.signIn.refresh(session.refreshToken);
        session = {
          ...session,
          principal: renewed.principal,
          displayName: renewed.displayName,
          principalExpiresAt: renewed.expiresAt,
        };
        changed = true;
      } catch (error) {
        if (!(error instanceof SignInRefused)) throw error;
        clearHostCookie(c, COOKIES.session);
        if (c.req.method === 'POST') return signedOutOnPost(c, undefined);
        return c.redirect(signInHref(returnTo, true), 303);
      }
    }
    if (c.req.method === 'POST') {
      const form = await readForm(c);
      if (!sameToken(stringField(form.csrf), session.csrf)) {
        c.set('session', session);
        return consolePage(
          c,
          {
            title: 'The form has expired',
            main: html`${messageMain('The form has expired', [
              'Nothing was changed: the page was from an earlier sign-in. Go back, refresh the page and try again.',
            ])}${typedBack(form)}`,
          },
          undefined,
          403,
        );
      }
    }
    if (changed) {
      session = { ...session, lastSeenAt: now };
      await setSession(c, session);
    }
    c.set('session', session);
    await next();
  };

  /**
   * A form posted after its session ended: nothing is changed, and what the person typed (when the form is
   * theirs: its token matches their ended session's) is shown back, so signing in again loses no work.
   */
  const signedOutOnPost = async (c: Context<WebEnv>, ended: ConsoleSession | undefined) => {
    const form = await readForm(c);
    const theirs = ended !== undefined && sameToken(stringField(form.csrf), ended.csrf);
    return plainConsolePage(
      c,
      {
        title: 'You have been signed out',
        main: html`${messageMain('You have been signed out', [
          'Your session has ended (after 30 minutes without activity, 8 hours after you signed in, or because you signed out), so nothing was changed.',
        ])}${theirs ? typedBack(form) : ''}<p class="govuk-body"><a class="govuk-link" href="${signInHref(PAGES.inbox.path, true)}">Sign in again</a></p>`,
      },
      401,
    );
  };

  // Not behind requireSession: an ended session can still sign out, revoking what its cookie holds, and
  // every sign-out also ends the sign-in service's own session, so the next person at a shared computer
  // cannot sign in as this one without their password.
  app.post(PAGES.signOut.path, async (c) => {
    const opened = await openSession(
      await deps.keys.keys(),
      getCookie(c, COOKIES.session, 'host'),
      nowSeconds(),
    );
    const session = opened.kind === 'none' ? undefined : opened.session;
    // Without a session (its Strict cookie is never sent from another site) only our own pages may sign out:
    // no other site can end an officer's session and lose what they were typing.
    const fromHere =
      c.req.header('sec-fetch-site') === 'same-origin' || c.req.header('origin') === new URL(apiUrl).origin;
    if (
      (session && !sameToken(stringField((await readForm(c)).csrf), session.csrf)) ||
      (!session && !fromHere)
    ) {
      return plainConsolePage(
        c,
        {
          title: 'The form has expired',
          main: messageMain('The form has expired', ['Go back, refresh the page and try again.']),
        },
        403,
      );
    }
    await endSession(c, session);
    if (session) c.var.log.info('Staff signed out', { subject: session.principal.subject });
    return c.redirect(deps.signIn.signOutUrl(`${apiUrl}${PAGES.signedOut.path}`), 303);
  });

  const noAccess = (c: Context<WebEnv>) =>
    consolePage(
      c,
      {
        title: 'You cannot use this page',
        main: messageMain('You cannot use this page', [
          'Your account is not a CSU officer or an agency officer. Ask your partnership admin if you need access.',
        ]),
      },
      undefined,
      403,
    );

  app.get(PAGES.inbox.path, requireSession, async (c) => {
    const { principal } = c.var.session;
    // A partnership admin has no inbox: the console opens on the directory they keep.
    if (!caseworker(principal)) {
      return mayReadDirectory(principal) ? c.redirect(href(PAGES.directoryPage.path), 303) : noAccess(c);
    }
    const declined = /^case:decline:(.+)$/.exec(takeFlash(c) ?? '')?.[1];
    const query = new URL(c.req.url).searchParams;
    const status = ENQUIRY_STATUSES.find((s) => s === query.get('status'));
    const category = /^[a-z0-9-]{1,64}$/.test(query.get('category') ?? '')
      ? (query.get('category') ?? undefined)
      : undefined;
    const shown = query.getAll('show');
    const cursor = query.get('cursor') ?? undefined;
    const filters = {
      status,
      category,
      overdue: shown.includes('overdue'),
      assignedToMe: shown.includes('mine'),
    };
    const [page, categories, agencies] = await Promise.all([
      listInbox(deps, principal, {
        ...filters,
        limit: INBOX_PAGE_SIZE,
        cursor: cursor && cursor.length <= 2048 ? cursor : undefined,
      }),
      deps.referenceData.listCategories(),
      agencyNames(),
    ]);
    const filterQuery = new URLSearchParams();
    if (status) filterQuery.set('status', status);
    if (category) filterQuery.set('category', category);
    for (const show of shown.filter((s) => s === 'overdue' || s === 'mine')) filterQuery.append('show', show);
    const withCursor = (next: string) => {
      const q = new URLSearchParams(filterQuery);
      q.set('cursor', next);
      return `${href(PAGES.inbox.path)}?${q}`;
    };
    return consolePage(
      c,
      {
        title: 'Inbox',
        fullWidth: true,
        main: inboxMain({
          action: href(PAGES.inbox.path),
          filters,
          items: page.items,
          categories: new Map(categories.map((cat) => [cat.code, cat.title])),
          agencies,
          caseHref: (reference) => href(`/console/cases/${encodeURIComponent(reference)}`),
          nextHref: page.cursor ? withCursor(page.cursor) : undefined,
          firstHref: cursor
            ? `${href(PAGES.inbox.path)}${filterQuery.size > 0 ? `?${filterQuery}` : ''}`
            : undefined,
          agencyOfficer: !isCsuOfficer(principal),
          declined,
        }),
      },
      'inbox',
    );
  });

  /** The case page: read through `viewCase`, so every view is audited exactly as the API's reads are. */
  const casePage = async (
    c: Context<WebEnv>,
    reference: string,
    extra: Pick<Parameters<typeof caseMain>[0], 'done' | 'stale' | 'failed'> = {},
    status: 200 | 409 | 422 = 200,
  ) => {
    const { principal, csrf } = c.var.session;
    const record = await viewCase(deps, principal, reference);
    const [category, agencies] = await Promise.all([
      deps.referenceData.getCategory(record.enquiry.category),
      deps.referenceData.listAgencies(),
    ]);
    const view = caseView(record, principal, deps.clock());
    return consolePage(
      c,
      {
        title: `Case ${record.enquiry.reference}`,
        backLink: { text: 'Back to the inbox', href: href(PAGES.inbox.path) },
        main: caseMain({
          view,
          version: record.enquiry.version,
          principal,
          csrf,
          categoryTitle: category?.title ?? record.enquiry.category,
          agencies,
          actionHref: (action) =>
            href(`/console/cases/${encodeURIComponent(record.enquiry.reference)}/${action}`),
          ...extra,
        }),
        errors: extra.failed?.errors,
      },
      'inbox',
      status,
    );
  };

  app.get(honoPath(PAGES.casePage.path), requireSession, async (c) => {
    if (!caseworker(c.var.session.principal)) return noAccess(c);
    const flashed = takeFlash(c);
    const reference = c.req.param('reference') ?? '';
    const done = CASE_ACTIONS.find((action) => flashed === `case:${action}:${reference}`);
    return casePage(c, reference, { done });
  });

  app.post(honoPath(PAGES.caseAction.path), requireSession, async (c) => {
    const { principal } = c.var.session;
    if (!caseworker(principal)) return noAccess(c);
    const reference = c.req.param('reference') ?? '';
    const action = CASE_ACTIONS.find((a) => a === c.req.param('action'));
    if (!action) return notFoundPage(c);
    const form = await readForm(c);
    const field = (name: string) => stringField(form[name])?.trim() || undefined;
    const version = Number(field('version'));
    const ifMatch = Number.isInteger(version) && version >= 0 ? etagOf(version) : undefined;
    const values = Object.fromEntries(
      ['text', 'message', 'officer', 'to', 'reason', 'publicMessage', 'agencyId', 'note'].flatMap((name) =>
        field(name) ? [[name, field(name) as string]] : [],
      ),
    );
    const fail = (errors: Map<string, string>) =>
      casePage(c, reference, { failed: { action, errors, values } }, 422);
    try {
      switch (action) {
        case 'accept':
          await acceptCaseReferral(deps, principal, {
            reference,
            agencyId: field('agencyId') ?? '',
            ifMatch,
          });
          break;
        case 'decline': {
          const reason = DECLINE_REASONS.find((r) => r === field('reason')) as DeclineReason | undefined;
          const agencyId = field('agencyId') ?? '';
          if (!reason) return fail(new Map([[`decline-reason-${agencyId}`, 'Select why you are declining']]));
          const note = field('note');
          if (note && note.length > MAX_NOTE_LENGTH)
            return fail(
              new Map([
                [`decline-note-${agencyId}`, `The note must be ${MAX_NOTE_LENGTH} characters or fewer`],
              ]),
            );
          await declineCaseReferral(deps, principal, { reference, agencyId, reason, note, ifMatch });
          break;
        }
        case 'assign': {
          const officer = field('officer');
          if (officer && (officer.length > 100 || /[\r\n]/.test(officer)))
            return fail(new Map([['officer', 'Enter a name of 100 characters or fewer']]));
          await assignCaseTo(deps, principal, { reference, officer, ifMatch });
          break;
        }
        case 'refer': {
          const agencyId = field('agencyId');
          if (!agencyId) return fail(new Map([['refer-agency', 'Select an agency']]));
          await referCase(deps, principal, { reference, agencyId, ifMatch });
          break;
        }
        case 'note': {
          const text = field('text');
          if (!text) return fail(new Map([['note', 'Enter the note']]));
          if (text.length > MAX_NOTE_LENGTH)
            return fail(new Map([['note', `The note must be ${MAX_NOTE_LENGTH} characters or fewer`]]));
          await addCaseNote(deps, principal, { reference, text, ifMatch });
          break;
        }
        case 'update': {
          const message = field('message');
          if (!message) return fail(new Map([['update', 'Enter the update']]));
          if (message.length > MAX_PUBLIC_UPDATE_LENGTH)
            return fail(
              new Map([['update', `The update must be ${MAX_PUBLIC_UPDATE_LENGTH} characters or fewer`]]),
            );
          await publishCaseUpdate(deps, principal, { reference, message, ifMatch });
          break;
        }
        case 'transition': {
          const to = ENQUIRY_STATUSES.find((s) => s === field('to')) as EnquiryStatus | undefined;
          if (!to) return fail(new Map([['to', 'Select the new status']]));
          const reason = CLOSURE_REASONS.find((r) => r === field('reason')) as ClosureReason | undefined;
          if (to === 'closed' && !reason)
            return fail(new Map([['reason', 'Select why the case is closing']]));
          const publicMessage = field('publicMessage');
          if (publicMessage && publicMessage.length > MAX_PUBLIC_UPDATE_LENGTH)
            return fail(
              new Map([
                ['publicMessage', `The message must be ${MAX_PUBLIC_UPDATE_LENGTH} characters or fewer`],
              ]),
            );
          await transitionCaseTo(deps, principal, {
            reference,
            to,
            reason: to === 'closed' ? reason : undefined,
            publicMessage,
            ifMatch,
          });
          break;
        }
      }
    } catch (error) {
      // Only a form not sent from our page lacks its version (or names one no ETag could).
      if (error instanceof PreconditionRequired || (error instanceof ValidationFailed && !ifMatch)) {
        return consolePage(
          c,
          {
            title: 'The form could not be read',
            main: messageMain('The form could not be read', [
              'Nothing was changed. Go back, refresh the page and try again.',
            ]),
          },
          undefined,
          400,
        );
      }
      if (error instanceof StaleVersion) {
        return casePage(
          c,
          reference,
          { stale: { since: field('seen') ?? '' }, failed: { action, errors: new Map(), values } },
          409,
        );
      }
      const agencyId = field('agencyId') ?? '';
      if (error instanceof CaseActionRefused)
        return fail(new Map([[fieldOfAction(action, agencyId), error.message]]));
      if (error instanceof ValidationFailed) {
        const message = error.violations.map((v) => v.message).join('; ');
        return fail(new Map([[fieldOfAction(action, agencyId), message]]));
      }
      throw error;
    }
    c.var.log.info('Case changed from the console', { reference, action });
    flash(c, `case:${action}:${reference}`);
    // An agency that declined no longer sees the case: its confirmation is shown on its inbox.
    if (action === 'decline' && !isCsuOfficer(principal)) return c.redirect(href(PAGES.inbox.path), 303);
    return c.redirect(href(`/console/cases/${encodeURIComponent(reference)}`), 303);
  });

  app.get(PAGES.routingPage.path, requireSession, async (c) => {
    const { principal } = c.var.session;
    if (!isCsuOfficer(principal)) return noAccess(c);
    const flashed = takeFlash(c);
    const [categories, agencies] = await Promise.all([deps.referenceData.listCategories(), agencyNames()]);
    const rules = new Map(
      await Promise.all(
        categories.map(
          async (category) =>
            [category.code, await deps.referenceData.getRoutingRule(category.code)] as const,
        ),
      ),
    );
    return consolePage(
      c,
      {
        title: 'Routing table',
        fullWidth: true,
        main: routingMain({
          categories,
          rules,
          agencies,
          defaults: (sensitive) => targetsFor(sensitive),
          ruleHref: (code) => href(`/console/routing/${encodeURIComponent(code)}`),
          saved: categories.find((category) => flashed === `routing:${category.code}`)?.title,
        }),
      },
      'routing',
    );
  });

  /** One category's routing form: read fresh (not from the cache), so its version is the one to change. */
  const routingRulePage = async (
    c: Context<WebEnv>,
    code: string,
    extra: Pick<Parameters<typeof routingRuleMain>[0], 'errors' | 'stale' | 'values'> = {},
    status: 200 | 409 | 422 = 200,
  ) => {
    const category = (await deps.referenceData.listCategories()).find((found) => found.code === code);
    if (!category) return notFoundPage(c);
    const [rule, agencies] = await Promise.all([
      getRouting(deps.routingData, code),
      deps.routingData.listAgencies(),
    ]);
    return consolePage(
      c,
      {
        title: `Routing: ${category.title}`,
        backLink: { text: 'Back to the routing table', href: href(PAGES.routingPage.path) },
        errors: extra.errors,
        main: routingRuleMain({
          category,
          rule,
          targets: rule.targets ?? targetsFor(category.sensitive),
          agencies,
          action: href(`/console/routing/${encodeURIComponent(code)}`),
          csrf: c.var.session.csrf,
          ...extra,
        }),
      },
      'routing',
      status,
    );
  };

  app.get(honoPath(PAGES.routingRulePage.path), requireSession, async (c) => {
    if (!isCsuOfficer(c.var.session.principal)) return noAccess(c);
    return routingRulePage(c, c.req.param('category') ?? '');
  });

  app.post(honoPath(PAGES.saveRoutingRule.path), requireSession, async (c) => {
    const { principal } = c.var.session;
    if (!isCsuOfficer(principal)) return noAccess(c);
    const code = c.req.param('category') ?? '';
    if (!(await deps.referenceData.listCategories()).some((category) => category.code === code)) {
      return notFoundPage(c);
    }
    const form = await readForm(c);
    // Only a form not sent from our page lacks its version, or names one no rule ever had.
    if (!/^\d{1,9}$/.test(form.version ?? '') || Number(form.version) < 1) {
      return consolePage(
        c,
        {
          title: 'The form could not be read',
          main: messageMain('The form could not be read', [
            'Nothing was changed. Go back, refresh the page and try again.',
          ]),
        },
        'routing',
        400,
      );
    }
    const agencyIds = await formValues(c, 'agencyIds');
    const values = { agencyIds, accept: form.acceptWithinWorkingDays, close: form.closeWithinWorkingDays };
    const days = (text: string | undefined, max: number) =>
      text !== undefined && /^\d{1,3}$/.test(text.trim()) && Number(text) >= 1 && Number(text) <= max
        ? Number(text)
        : undefined;
    const accept = days(form.acceptWithinWorkingDays, 30);
    const close = days(form.closeWithinWorkingDays, 250);
    const errors = new Map<string, string>();
    if (accept === undefined)
      errors.set('acceptWithinWorkingDays', 'Enter a whole number of working days from 1 to 30');
    if (close === undefined)
      errors.set('closeWithinWorkingDays', 'Enter a whole number of working days from 1 to 250');
    if (errors.size > 0 || accept === undefined || close === undefined) {
      return routingRulePage(c, code, { errors, values }, 422);
    }
    const version = Number(form.version);
    try {
      await updateRouting(
        { referenceData: deps.routingData, clock: deps.clock },
        {
          principal,
          category: code,
          agencyIds,
          targets: { acceptWithinWorkingDays: accept, closeWithinWorkingDays: close },
          ifMatch: etagOf(version),
        },
      );
    } catch (error) {
      if (error instanceof StaleVersion) return routingRulePage(c, code, { stale: true }, 409);
      if (error instanceof ValidationFailed) {
        const message = error.violations.map((violation) => violation.message).join('; ');
        return routingRulePage(c, code, { errors: new Map([['agencyIds', message]]), values }, 422);
      }
      if (error instanceof RecordNotFound) return notFoundPage(c);
      throw error;
    }
    c.var.log.info('Routing changed from the console', { category: code });
    flash(c, `routing:${code}`);
    return c.redirect(href(PAGES.routingPage.path), 303);
  });

  app.get(PAGES.directoryPage.path, requireSession, async (c) => {
    if (!mayReadDirectory(c.var.session.principal)) return noAccess(c);
    const [agencies, categories] = await Promise.all([
      deps.referenceData.listAgencies(),
      deps.referenceData.listCategories(),
    ]);
    return consolePage(
      c,
      { title: 'Directory', fullWidth: true, main: directoryMain({ agencies, categories }) },
      'directory',
    );
  });

  const notFoundPage = (c: Context<WebEnv>) =>
    c.var.session
      ? consolePage(
          c,
          {
            title: 'Page not found',
            main: messageMain('Page not found', [
              'There is no such case, or it is not referred to your agency.',
              html`<a class="govuk-link" href="${href(PAGES.inbox.path)}">Go to the inbox</a>`,
            ]),
          },
          undefined,
          404,
        )
      : c.text('Not found', 404);

  app.notFound((c) => c.text('Not found', 404));

  app.onError(async (error, c) => {
    if (error instanceof EnquiryNotFound && c.var.session) return notFoundPage(c);
    // The role check of the use case itself (e.g. referring is the CSU's alone), whatever the page offered.
    if (error instanceof NotPermitted && c.var.session) return noAccess(c);
    // A link edited by hand (a cursor, a filter) that the use case refuses: say so, and offer the way back.
    if (error instanceof ValidationFailed && c.var.session) {
      return consolePage(
        c,
        {
          title: 'This link does not work',
          main: messageMain('This link does not work', [
            'It may have been changed or cut short.',
            html`<a class="govuk-link" href="${href(PAGES.inbox.path)}">Go to the inbox</a>`,
          ]),
        },
        undefined,
        400,
      );
    }
    const outage = isServiceOutage(error) || error instanceof SignInUnavailable;
    const log = c.var.log ?? deps.logger;
    if (outage) log.warn('A service is unavailable', { error: safeError(error) });
    else log.error('Unhandled error', { error: safeError(error) });
    const heading = outage ? 'Sorry, the service is busy' : 'Sorry, there is a problem with the service';
    if (outage) c.header('Retry-After', '5');
    c.header('Content-Security-Policy', publicCsp);
    return c.html(
      renderPage(
        { basePath, serviceName: 'Community Safety Partnership', serviceHref: href(PAGES.contactForm.path) },
        {
          title: heading,
          main: messageMain(heading, [
            outage
              ? 'Try again in a few seconds. Nothing you sent has been lost: if you submitted a form, send it again and it will not be duplicated.'
              : `Try again later. If it keeps happening, quote reference ${c.var.correlationId ?? ''}.`,
          ]),
        },
      ),
      outage ? 503 : 500,
    );
  });

  return app;
}

/**
 * The posted form's fields (a repeated field's last value), read once per request. Only
 * `application/x-www-form-urlencoded`, what our forms send: anything else reads as an empty form, which no
 * CSRF check passes.
 */
async function readForm(c: Context<WebEnv>): Promise<Readonly<Record<string, string>>> {
  return Object.fromEntries(await formParams(c));
}

/** Every value of a repeated field (checkboxes), in the order sent. */
async function formValues(c: Context<WebEnv>, name: string): Promise<string[]> {
  return (await formParams(c)).getAll(name);
}

async function formParams(c: Context<WebEnv>): Promise<URLSearchParams> {
  const cached = c.get('form');
  if (cached) return cached;
  const urlEncoded = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header('content-type') ?? '');
  const form = new URLSearchParams(urlEncoded ? await c.req.text() : '');
  c.set('form', form);
  return form;
}

/**
 * Sets one of our cookies: `__Host-` (Secure, Path=/, no Domain: no other site or subdomain can set it) and
 * HttpOnly, always; how it travels (`sameSite`) and lives (`maxAgeSeconds`; a browser-session cookie without).
 */
function setHostCookie(
  c: Context<WebEnv>,
  name: string,
  value: string,
  sameSite: 'Strict' | 'Lax',
  maxAgeSeconds?: number,
): void {
  setCookie(c, name, value, {
    prefix: 'host',
    httpOnly: true,
    secure: true,
    sameSite,
    path: '/',
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  });
}

/** Removes one of our cookies. */
function clearHostCookie(c: Context<WebEnv>, name: string): void {
  deleteCookie(c, name, { prefix: 'host', path: '/', secure: true });
}

/** What a refused form's writer typed at length, shown back (escaped) so they can copy it. */
function typedBack(form: Readonly<Record<string, string>>) {
  const typed = TYPED_FIELDS.flatMap((name) => (form[name]?.trim() ? [form[name].trim()] : []));
  return typed.length > 0
    ? textarea({
        id: 'typed',
        name: 'typed',
        label: 'What you wrote (copy it before you try again)',
        value: typed.join('\n\n'),
        rows: 6,
      })
    : html``;
}

/**
 * What the page after a redirect should confirm ("Note added"), carried in a one-minute cookie rather than
 * the URL: a link cannot fake a confirmation, and a reload does not repeat it.
 */
function flash(c: Context<WebEnv>, message: string): void {
  setHostCookie(c, COOKIES.flash, message, 'Strict', 60);
}

/** The confirmation the last redirect left, once. */
function takeFlash(c: Context<WebEnv>): string | undefined {
  const message = getCookie(c, COOKIES.flash, 'host');
  if (message === undefined) return undefined;
  clearHostCookie(c, COOKIES.flash);
  return /^(case:[a-z]+:[A-Z0-9-]{1,32}|routing:[a-z0-9-]{1,64})$/.test(message) ? message : undefined;
}

/** A form field's text (a repeated field's last value; a file is no text). */
function stringField(value: unknown): string | undefined {
  if (Array.isArray(value)) return stringField(value.at(-1));
  return typeof value === 'string' ? value : undefined;
}

/** Only console paths are returned to after sign-in: never another site. */
function isConsolePath(path: string): boolean {
  const [pathname = ''] = path.split('?');
  // No `.` or `..` segment: the browser would resolve one to a path outside the console.
  const dotSegment = pathname.split('/').some((segment) => segment === '.' || segment === '..');
  return (
    !dotSegment &&
    /^\/console(\/[A-Za-z0-9_.-]+)*\/?(\?[A-Za-z0-9_.~%=&+-]*)?$/.test(path) &&
    path.length <= 2048
  );
}

/** Caseworkers use the inbox and cases: CSU officers, and agency officers with their agency. */
function caseworker(principal: StaffPrincipal): boolean {
  return (
    isCsuOfficer(principal) ||
    (principal.roles.includes('agency-officer') && principal.agencyId !== undefined)
  );
}

/** The directory is kept by partnership admins and CSU officers (as the API's directory routes are). */
function mayReadDirectory(principal: StaffPrincipal): boolean {
  return principal.roles.some((role) => role === 'csu-officer' || role === 'partnership-admin');
}

/** The control on the action's own form that a refusal's message is shown against (and its summary links to). */
function fieldOfAction(action: CaseAction, agencyId: string): string {
  const fields: Record<CaseAction, string> = {
    accept: `accept-${agencyId}`,
    decline: `decline-reason-${agencyId}`,
    assign: 'officer',
    refer: 'refer-agency',
    note: 'note',
    update: 'update',
    transition: 'to',
  };
  return fields[action];
}
