/**
 * The enquirer's status page as HTML, for browsers that follow the status link. Plain and accessible (WCAG 2.2
 * AA), styled like the GOV.UK Design System but carrying no GOV.UK branding: no scripts, forms, images or
 * external assets, so the Content-Security-Policy can forbid everything except the one inline style block,
 * allowed by its hash. The status token never appears in the page: it is the enquirer's only credential.
 */
import { createHash } from 'node:crypto';
import type { ClosureReason } from '../domain/casework-vocabulary.ts';
import { escapeHtml, ukDateTime } from '../domain/email-content.ts';
import type { EnquiryStatus } from '../domain/enquiry.ts';

/** What the status page shows: only what the enquirer may see, already in the words they read. */
export interface StatusPageView {
  reference: string;
  status: EnquiryStatus;
  /** The status in words, from `STATUS_DESCRIPTIONS`. */
  statusDescription: string;
  /** ISO 8601 instants. */
  receivedAt: string;
  updatedAt: string;
  /** Updates the CSU chose to publish, newest first; shown in the order given. */
  publicUpdates: readonly { at: string; message: string }[];
  /** Present once the case is closed; `outcome` is the reason in words, from `CLOSURE_OUTCOMES`. */
  closure?: { reason: ClosureReason; at: string; outcome: string };
  partnership: { name: string; csuName: string; urgentPhone: string; urgentPhoneHours: string };
}

// GOV.UK Design System values: text #0b0c0c (19:1 on white), secondary text #505a5f (7:1), links #1d70b8
// (5.2:1), focus #ffdd00 with a #0b0c0c underline. Sizes in rem so they follow the reader's font setting.
const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: #ffffff; color: #0b0c0c; font-family: Arial, Helvetica, sans-serif; font-size: 1rem; line-height: 1.5; overflow-wrap: break-word; }
@media (min-width: 40.0625em) { body { font-size: 1.1875rem; } }
.width-container { max-width: 40em; margin: 0 auto; padding: 0 1rem; }
a { color: #1d70b8; text-decoration: underline; text-decoration-thickness: max(1px, 0.0625rem); text-underline-offset: 0.15em; }
a:visited { color: #4c2c92; }
a[href^="tel:"] { white-space: nowrap; }
a:hover { color: #003078; text-decoration-thickness: max(3px, 0.1875rem); }
a:focus { outline: 3px solid #ffdd00; outline-offset: 0; background-color: #ffdd00; color: #0b0c0c; box-shadow: 0 4px #0b0c0c; text-decoration: none; }
.skip-link { position: absolute; width: 1px; height: 1px; margin: 0; padding: 0; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.skip-link:focus { position: static; display: block; width: auto; height: auto; padding: 0.5rem 1rem; overflow: visible; clip-path: none; white-space: normal; }
.header { background: #0b0c0c; color: #ffffff; border-bottom: 0.625rem solid #1d70b8; padding: 0.75rem 0; }
.header__name { margin: 0; font-size: 1.25rem; font-weight: 700; }
main { display: block; padding: 2rem 0 1rem; }
h1 { margin: 0 0 1.5rem; font-size: 2rem; line-height: 1.1; }
h2 { margin: 2.5rem 0 1rem; font-size: 1.5rem; line-height: 1.2; }
h3 { margin: 0 0 0.25rem; font-size: 1.1875rem; line-height: 1.3; }
p { margin: 0 0 1rem; }
.summary-list { margin: 0 0 1rem; }
.summary-list__row { padding: 0.75rem 0; border-bottom: 1px solid #b1b4b6; }
.summary-list__key { margin: 0 0 0.25rem; font-weight: 700; }
.summary-list__value { margin: 0; }
@media (min-width: 40.0625em) {
  h1 { font-size: 2.25rem; }
  .summary-list__row { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 7fr); gap: 1.25rem; }
  .summary-list__key { margin: 0; }
}
.updates { margin: 0; padding: 0; list-style: none; }
.update { margin: 0 0 1.5rem; padding-left: 1rem; border-left: 5px solid #b1b4b6; }
.update h3 { color: #505a5f; }
.update p:last-child { margin-bottom: 0; }
.help { margin: 2.5rem 0 1rem; padding: 0.25rem 1rem 0.25rem 1.25rem; border-left: 10px solid #1d70b8; }
.help h2 { margin-top: 0.75rem; }
.footer { margin-top: 2rem; padding: 1.5rem 0; background: #f3f2f1; border-top: 1px solid #b1b4b6; }
.footer p { margin: 0; }
`;

/**
 * Security headers for the HTML status page; the caller adds `Content-Type`. The CSP allows only the page's
 * own style block, by its SHA-256, computed from the very text the page embeds so the two cannot drift.
 * `no-store` and `no-referrer` because the page's URL carries the status token.
 */
export const STATUS_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
});

/** Escaped text with its line breaks kept. */
function htmlLines(value: string): string {
  return escapeHtml(value).replace(/\r\n?|\n/g, '<br>\n');
}

/** An instant for people (`ukDateTime`) inside a `<time>` machines can read. */
function time(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(ukDateTime(iso))}</time>`;
}

/** A phone number as a `tel:` link; the href keeps only what dialers accept. */
function phoneLink(number: string): string {
  return `<a href="tel:${escapeHtml(number.replace(/[^\d+]/g, ''))}">${escapeHtml(number)}</a>`;
}

function summaryRow(key: string, valueHtml: string): string {
  return `<div class="summary-list__row"><dt class="summary-list__key">${escapeHtml(key)}</dt><dd class="summary-list__value">${valueHtml}</dd></div>`;
}

function updatesHtml(updates: StatusPageView['publicUpdates']): string {
  if (updates.length === 0) {
    return '<p>There are no updates yet. When the Community Safety Unit has news about your enquiry, it will appear here.</p>';
  }
  const items = updates.map(
    (update) => `<li class="update"><h3>${time(update.at)}</h3>\n<p>${htmlLines(update.message)}</p></li>`,
  );
  return `<ol class="updates">\n${items.join('\n')}\n</ol>`;
}

/**
 * Renders the status page: the enquiry's status, dates and outcome, the CSU's public updates, and how to get
 * help now. Every value is escaped; serve it with `STATUS_PAGE_HEADERS`.
 */
export function renderStatusPage(view: StatusPageView): string {
  const { partnership, closure } = view;
  const rows = [
    summaryRow('Status', escapeHtml(view.statusDescription)),
    ...(closure ? [summaryRow('Outcome', escapeHtml(closure.outcome))] : []),
    summaryRow('Received', time(view.receivedAt)),
    ...(closure ? [summaryRow('Closed', time(closure.at))] : []),
    summaryRow('Last updated', time(view.updatedAt)),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>Your enquiry – ${escapeHtml(partnership.csuName)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip-link" href="#main-content">Skip to main content</a>
<header class="header"><div class="width-container"><p class="header__name">${escapeHtml(partnership.name)}</p></div></header>
<div class="width-container">
<main id="main-content">
<h1>Your enquiry ${escapeHtml(view.reference)}</h1>
<dl class="summary-list">
${rows.join('\n')}
</dl>
<section aria-labelledby="updates-heading">
<h2 id="updates-heading">Updates from the Community Safety Unit</h2>
${updatesHtml(view.publicUpdates)}
</section>
<section class="help" aria-labelledby="help-heading">
<h2 id="help-heading">If you need help now</h2>
<p><strong>In an emergency, or if a crime is happening now, call ${phoneLink('999')}.</strong></p>
<p>For urgent help that is not an emergency, call ${phoneLink(partnership.urgentPhone)} (${escapeHtml(partnership.urgentPhoneHours)}).</p>
</section>
</main>
</div>
<footer class="footer"><div class="width-container"><p>${escapeHtml(partnership.name)}</p></div></footer>
</body>
</html>
`;
}
