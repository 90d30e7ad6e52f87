/**
 * The page every screen of the console and the contact form sits in: the GOV.UK template's skeleton with a
 * generic header (the GOV.UK header and crown are for GOV.UK services only), service navigation, and a footer.
 * Pages carry no script at all, so the Content-Security-Policy allows none.
 */
import { OWN_STYLESHEET, STYLESHEET } from './assets.ts';
import { errorSummary, type FieldErrors } from './components.ts';
import { type Html, type HtmlValue, html } from './html.ts';

/** What is the same on every page of one front door. */
export interface Chrome {
  /** The path the API is served under (the stage on an execute-api URL), e.g. `/prod`; empty at the root. */
  readonly basePath: string;
  /** E.g. `Ashford Community Safety Partnership`. */
  readonly serviceName: string;
  /** Where the service name links to, under basePath. */
  readonly serviceHref: string;
  readonly nav?: readonly { readonly text: string; readonly href: string; readonly current?: boolean }[];
  /** Markup between the navigation and the main content (e.g. who is signed in). */
  readonly bar?: HtmlValue;
  /** The footer's links, under basePath or absolute. */
  readonly footerLinks?: readonly { readonly text: string; readonly href: string }[];
}

/** What one page says. */
export interface PageContent {
  /** The page's own title; never personal data (titles end up in browser history and screen readers). */
  readonly title: string;
  readonly main: HtmlValue;
  /** A form's errors: the title says "Error:" and the summary leads the page. */
  readonly errors?: FieldErrors;
  /** Whether the main content fills the width (tables) or two thirds (forms, reading). */
  readonly fullWidth?: boolean;
  /** Where the browser goes next on its own (after signing in): a same-site navigation, unlike a redirect. */
  readonly refreshTo?: string;
  /** A link back, above the main content. */
  readonly backLink?: { readonly text: string; readonly href: string };
}

/**
 * The Content-Security-Policy of every page: styles and the icon from this origin only, no script, forms
 * posting only here (and, for signing out, to the staff sign-in service they redirect to), never framed.
 */
export function pageSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action 'self'${formTargets.map((origin) => ` ${origin}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A whole HTML document. */
export function renderPage(chrome: Chrome, content: PageContent): string {
  const asset = (file: string) => `${chrome.basePath}/assets/${file}`;
  const hasErrors = content.errors !== undefined && content.errors.size > 0;
  const title = `${hasErrors ? 'Error: ' : ''}${content.title} – ${chrome.serviceName}`;
  const nav = chrome.nav?.length
    ? html`<nav aria-label="Menu" class="govuk-service-navigation__wrapper">
<ul class="govuk-service-navigation__list" id="navigation">
${chrome.nav.map((item) =>
  item.current
    ? html`<li class="govuk-service-navigation__item govuk-service-navigation__item--active"><a class="govuk-service-navigation__link" href="${item.href}" aria-current="page"><strong class="govuk-service-navigation__active-fallback">${item.text}</strong></a></li>`
    : html`<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="${item.href}">${item.text}</a></li>`,
)}
</ul>
</nav>`
    : html``;
  const back = content.backLink
    ? html`<nav aria-label="Back"><a href="${content.backLink.href}" class="govuk-back-link">${content.backLink.text}</a></nav>`
    : html``;
  const column = content.fullWidth ? 'govuk-grid-column-full' : 'govuk-grid-column-two-thirds';
  const document: Html = html`<!DOCTYPE html>
<html lang="en" class="govuk-template govuk-template--rebranded">
<head>
<meta charset="utf-8">
${content.refreshTo ? html`<meta http-equiv="refresh" content="0; url=${content.refreshTo}">` : ''}
<title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#1d70b8">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="${asset('favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${asset(STYLESHEET)}">
<link rel="stylesheet" href="${asset(OWN_STYLESHEET)}">
</head>
<body class="govuk-template__body">
<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
<header class="govuk-generic-header">
<div class="govuk-generic-header__container govuk-width-container">
<div class="govuk-generic-header__logo"><a href="${chrome.serviceHref}" class="govuk-generic-header__homepage-link">${chrome.serviceName}</a></div>
</div>
</header>
${
  chrome.nav?.length || chrome.bar
    ? html`<section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">
<div class="govuk-width-container"><div class="govuk-service-navigation__container">
${nav}
</div></div>
${chrome.bar ?? ''}
</section>`
    : ''
}
<div class="govuk-width-container">
${back}
<main class="govuk-main-wrapper" id="main-content">
<div class="govuk-grid-row"><div class="${column}">
${errorSummary(content.errors)}
${content.main}
</div></div>
</main>
</div>
<footer class="govuk-footer">
<div class="govuk-width-container"><div class="govuk-footer__meta"><div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
<h2 class="govuk-visually-hidden">Support links</h2>
<ul class="govuk-footer__inline-list">
${(chrome.footerLinks ?? []).map((link) => html`<li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="${link.href}">${link.text}</a></li>`)}
</ul>
<p class="govuk-body-s">${chrome.serviceName}</p>
</div></div></div>
</footer>
</body>
</html>`;
  return document.value;
}
