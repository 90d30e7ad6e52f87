/**
 * The static files the pages use, served by the web function itself from its bundle: GOV.UK Frontend's
 * stylesheet (its URL names its version, so browsers and caches keep it for a year) and the favicon. All are
 * text, so API Gateway needs no binary media types, and every request for them costs one warm invocation at
 * most once per browser per release.
 */
import { GOVUK_FRONTEND_CSS, GOVUK_FRONTEND_VERSION } from './govuk-frontend-css.generated.ts';

/** One static file. */
export interface Asset {
  readonly contentType: string;
  readonly body: string;
  /** Immutable assets have the version in their name; others are revalidated daily. */
  readonly cacheControl: string;
}

const FOREVER = 'public, max-age=31536000, immutable';

/** The stylesheet's file name: a new govuk-frontend release is a new URL. */
export const STYLESHEET = `govuk-frontend-${GOVUK_FRONTEND_VERSION}.css`;

/** A plain shield in the Design System's brand blue: browsers ask for an icon on every page. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#1d70b8" d="M16 1 3 6v9c0 8 5.6 13.7 13 16 7.4-2.3 13-8 13-16V6z"/><path fill="#fff" d="M9 16h14v3H9z"/></svg>`;

/**
 * The few rules GOV.UK Frontend has no class for: a wide table scrolls in its own box (focusable, with the
 * Design System's focus style). Versioned by hand: change the name when the rules change.
 */
export const OWN_STYLESHEET = 'csp-1.css';
const OWN_CSS =
  '.csp-scroll{overflow-x:auto;max-width:100%;margin-bottom:20px}.csp-scroll .govuk-table{margin-bottom:0}' +
  '.csp-scroll:focus{outline:3px solid #ffdd00;outline-offset:0;box-shadow:inset 0 0 0 4px #0b0c0c}';

/** Every asset, by file name (the `{file}` of `/assets/{file}`). */
export const ASSETS: ReadonlyMap<string, Asset> = new Map([
  [STYLESHEET, { contentType: 'text/css; charset=utf-8', body: GOVUK_FRONTEND_CSS, cacheControl: FOREVER }],
  [OWN_STYLESHEET, { contentType: 'text/css; charset=utf-8', body: OWN_CSS, cacheControl: FOREVER }],
  ['favicon.svg', { contentType: 'image/svg+xml', body: FAVICON, cacheControl: 'public, max-age=86400' }],
]);
