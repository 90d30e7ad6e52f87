/**
 * The staff console's pages: the inbox, the case with its actions, and the routing table. Rendering only: the
 * app (./app.ts) reads through the casework use cases and hands the results here.
 */
import type { CaseView } from '../api/case-view.ts';
import type { CaseSummary, TimelineEntry } from '../domain/casework.ts';
import {
  CLOSURE_REASONS,
  type ClosureReason,
  DECLINE_REASON_LABELS,
  DECLINE_REASONS,
} from '../domain/casework-vocabulary.ts';
import { ENQUIRY_STATUSES, type EnquiryStatus } from '../domain/enquiry.ts';
import type { Agency, EnquiryCategory, RoutingRule } from '../domain/partnership.ts';
import type { StaffPrincipal } from '../domain/staff.ts';
import {
  button,
  choices,
  type FieldErrors,
  notificationBanner,
  select,
  summaryList,
  table,
  tag,
  textarea,
  textInput,
  warningText,
} from './components.ts';
import { type Html, type HtmlValue, html } from './html.ts';

/** Statuses as staff read them. */
export const STATUS_LABELS: Record<EnquiryStatus, string> = {
  received: 'Received',
  routed: 'Routed',
  'in-progress': 'In progress',
  closed: 'Closed',
};

const STATUS_COLOURS = {
  received: 'blue',
  routed: 'yellow',
  'in-progress': 'green',
  closed: 'grey',
} as const;

/** Closure reasons as staff choose them. */
const CLOSURE_LABELS: Record<ClosureReason, string> = {
  resolved: 'Resolved',
  'referred-elsewhere': 'Referred to another organisation',
  'no-further-action': 'No further action',
  duplicate: 'Duplicate of another enquiry',
  withdrawn: 'Withdrawn by the enquirer',
  'no-response': 'No response from the enquirer',
};

/** What each action of a case is called: the last segment of its form's URL. */
export const CASE_ACTIONS = ['accept', 'decline', 'assign', 'refer', 'note', 'update', 'transition'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** What a finished action says on the case page it returns to. */
export const ACTION_DONE: Record<CaseAction, string> = {
  accept: 'Referral accepted',
  decline: 'Referral declined',
  assign: 'Case assigned',
  refer: 'Case referred',
  note: 'Note added',
  update: 'Update published',
  transition: 'Status changed',
};

/** Day, month, year and time in the UK: `27 Nov 2026, 09:05`. */
export function ukDateTime(iso: string | undefined): string {
  return iso ? DATE_TIME.format(new Date(iso)) : '';
}

// Built once per container: a case page formats dozens of times, and building a format is the costly part.
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});
const TIME = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: 'Europe/London' });

const roleLabel = (principal: StaffPrincipal, agencies: ReadonlyMap<string, string>) =>
  principal.roles.includes('csu-officer')
    ? 'CSU officer'
    : principal.agencyId
      ? `${agencies.get(principal.agencyId) ?? principal.agencyId} officer`
      : principal.roles.join(', ');

/** The bar under the navigation: who is signed in, and the sign-out button. */
export function signedInBar(input: {
  displayName: string;
  principal: StaffPrincipal;
  agencies: ReadonlyMap<string, string>;
  signOutAction: string;
  csrf: string;
  /** When the session ends if nothing more happens (epoch seconds). */
  endsAt: number;
}): Html {
  const time = TIME.format(new Date(input.endsAt * 1000));
  return html`<div class="govuk-width-container">
<form method="post" action="${input.signOutAction}" class="govuk-!-margin-top-3">
<input type="hidden" name="csrf" value="${input.csrf}">
<p class="govuk-body-s govuk-!-margin-bottom-1">Signed in as <strong>${input.displayName}</strong> (${roleLabel(input.principal, input.agencies)})
<button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 govuk-!-margin-left-2" data-module="govuk-button">Sign out</button></p>
<p class="govuk-body-s" id="session-ends">If you do nothing, you will be signed out at ${time}. Save what you are writing before then.</p>
</form>
</div>`;
}

/** The inbox's filters, as its query string carries them. */
export interface InboxView {
  readonly status?: EnquiryStatus;
  readonly category?: string;
  readonly overdue: boolean;
  readonly assignedToMe: boolean;
}

/** The inbox page's main content. */
export function inboxMain(input: {
  readonly action: string;
  readonly filters: InboxView;
  readonly items: readonly CaseSummary[];
  readonly categories: ReadonlyMap<string, string>;
  readonly agencies: ReadonlyMap<string, string>;
  readonly caseHref: (reference: string) => string;
  readonly nextHref?: string;
  readonly firstHref?: string;
  readonly agencyOfficer: boolean;
  /** The case whose referral this agency has just declined (it no longer appears here). */
  readonly declined?: string;
}): Html {
  const { filters } = input;
  const rows = input.items.map((item) => [
    html`<a class="govuk-link" href="${input.caseHref(item.reference)}">${item.reference}</a>${item.sensitive ? html` ${tag('Sensitive', 'red')}` : ''}`,
    input.categories.get(item.category) ?? item.category,
    tag(STATUS_LABELS[item.status], STATUS_COLOURS[item.status]),
    ukDateTime(item.receivedAt),
    html`${ukDateTime(item.dueBy)}${item.overdue ? html` ${tag('Overdue', 'red')}` : ''}`,
    item.agencies.map((a) => `${input.agencies.get(a.agencyId) ?? a.agencyId} (${a.status})`).join(', ') ||
      (item.needsTriage ? 'Needs triage' : 'None yet'),
    item.assignedTo ?? '',
  ]);
  const pagination =
    input.nextHref || input.firstHref
      ? html`<nav class="govuk-pagination govuk-pagination--block" aria-label="Pages of cases">
${input.firstHref ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="${input.firstHref}"><span class="govuk-pagination__link-title">Newest cases</span></a></div>` : ''}
${input.nextHref ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="${input.nextHref}" rel="next"><span class="govuk-pagination__link-title">Older cases</span></a></div>` : ''}
</nav>`
      : html``;
  return html`${input.declined ? notificationBanner('Success', html`<p class="govuk-notification-banner__heading">Referral declined for case ${input.declined}. The CSU has been told.</p>`, true) : ''}<h1 class="govuk-heading-l">${input.agencyOfficer ? 'Your agency’s referrals' : 'Inbox'}</h1>
<form method="get" action="${input.action}" class="govuk-!-margin-bottom-6">
<div class="govuk-grid-row">
<div class="govuk-grid-column-one-quarter">${select({
    id: 'status',
    label: 'Status',
    items: [
      { value: '', text: 'Any status', selected: !filters.status },
      ...ENQUIRY_STATUSES.map((s) => ({ value: s, text: STATUS_LABELS[s], selected: filters.status === s })),
    ],
  })}</div>
<div class="govuk-grid-column-one-half">${select({
    id: 'category',
    label: 'Category',
    items: [
      { value: '', text: 'Any category', selected: !filters.category },
      ...[...input.categories].map(([code, title]) => ({
        value: code,
        text: title,
        selected: filters.category === code,
      })),
    ],
  })}</div>
</div>
${choices('checkboxes', {
  id: 'show',
  name: 'show',
  legend: 'Show only',
  small: true,
  items: [
    { value: 'overdue', text: 'Overdue cases', checked: filters.overdue },
    { value: 'mine', text: 'Cases assigned to me', checked: filters.assignedToMe },
  ],
})}
${button('Apply filters', 'secondary')}
</form>
${
  rows.length > 0
    ? table({
        caption: 'Cases, newest first',
        head: ['Reference', 'Category', 'Status', 'Received', 'Due by', 'Agencies', 'Assigned to'],
        rows,
      })
    : html`<p class="govuk-body">No cases match these filters.</p>`
}
${pagination}`;
}

/** Everything the case page needs besides the case itself. */
export interface CasePageInput {
  readonly view: CaseView;
  /** The case's version as read: each form sends it back, as the API's If-Match. */
  readonly version: number;
  readonly principal: StaffPrincipal;
  readonly csrf: string;
  readonly categoryTitle: string;
  readonly agencies: readonly Agency[];
  readonly actionHref: (action: CaseAction) => string;
  /** A finished action's confirmation. */
  readonly done?: CaseAction;
  /** A form refused because the case changed since it was shown: the changes since then. */
  readonly stale?: { readonly since: string };
  /** A form refused for its input: which form, its errors, and what was typed (shown again). */
  readonly failed?: {
    readonly action: CaseAction;
    readonly errors: FieldErrors;
    readonly values: Readonly<Record<string, string>>;
  };
}

const yes = (value: boolean | undefined) => (value ? 'Yes' : 'No');

/** The case page's main content. */
export function caseMain(input: CasePageInput): Html {
  const { view, principal } = input;
  const csu = principal.roles.includes('csu-officer');
  const agencyName = new Map(input.agencies.map((a) => [a.id, a.name]));
  const { enquiry } = view;
  const safe = enquiry.safeContact;
  const hidden = html`<input type="hidden" name="csrf" value="${input.csrf}"><input type="hidden" name="version" value="${String(input.version)}"><input type="hidden" name="seen" value="${view.updatedAt}">`;
  const form = (action: CaseAction, body: HtmlValue) =>
    html`<form method="post" action="${input.actionHref(action)}" novalidate>${hidden}${body}</form>`;
  const errorsOf = (action: CaseAction) =>
    input.failed?.action === action ? input.failed.errors : undefined;
  const typedValue = (action: CaseAction, field: string) =>
    input.failed?.action === action ? input.failed.values[field] : undefined;

  const banners: Html[] = [];
  if (input.done)
    banners.push(
      notificationBanner(
        'Success',
        html`<p class="govuk-notification-banner__heading">${ACTION_DONE[input.done]}</p>`,
        true,
      ),
    );
  if (input.stale) {
    const changes = view.timeline.filter((entry) => entry.at > (input.stale?.since ?? ''));
    banners.push(
      notificationBanner(
        'Important',
        html`<p class="govuk-notification-banner__heading">The case changed since you opened it, so your change was not made.</p>
<p class="govuk-body">Check what changed, then make your change again if it is still needed:</p>
<ul class="govuk-list govuk-list--bullet">${changes.map((entry) => html`<li>${describeEntry(entry, agencyName)} (${ukDateTime(entry.at)})</li>`)}</ul>`,
      ),
    );
  }

  const actionable = view.referrals.filter(
    (r) => r.status === 'sent' && (csu || r.agencyId === principal.agencyId),
  );
  const referralRows = view.referrals.map((r) => [
    r.agencyName,
    r.status === 'declined'
      ? `Declined: ${r.declineReason ? DECLINE_REASON_LABELS[r.declineReason] : ''}`
      : r.status === 'accepted'
        ? 'Accepted'
        : 'Waiting for an answer',
    ukDateTime(r.referredAt),
    ukDateTime(r.acceptBy),
    r.undelivered
      ? html`${tag('Not delivered', 'red')}`
      : r.email.delivery
        ? `${r.email.delivery.outcome} ${ukDateTime(r.email.delivery.at)}`
        : r.email.status === 'sent'
          ? `Sent ${ukDateTime(r.email.sentAt)}`
          : r.email.status,
  ]);

  const transitionItems = view.allowedTransitions.map((to, index) => ({
    value: to,
    text:
      to === 'closed'
        ? 'Close the case'
        : to === 'in-progress' && view.status === 'closed'
          ? 'Reopen the case'
          : `Mark as ${STATUS_LABELS[to].toLowerCase()}`,
    checked: typedValue('transition', 'to')
      ? typedValue('transition', 'to') === to
      : index === 0 && view.allowedTransitions.length === 1,
  }));

  return html`${banners}
<span class="govuk-caption-l">${input.categoryTitle}</span>
<h1 class="govuk-heading-l">Case ${view.reference}</h1>
<p class="govuk-body">${tag(STATUS_LABELS[view.status], STATUS_COLOURS[view.status])}${view.sensitive ? html` ${tag('Sensitive', 'red')}` : ''}${view.overdue ? html` ${tag('Overdue', 'red')}` : ''}</p>
${view.sensitive ? warningText('Sensitive case: do not forward its details by email. Contact the enquirer only in the ways marked safe below.') : ''}
<h2 class="govuk-heading-m" id="safe-contact">Safe contact</h2>
${summaryList([
  ['Safe to email', yes(safe.mayEmail)],
  ['Safe to phone', yes(safe.mayPhone)],
  ['Voicemail', safe.mayPhone ? yes(safe.mayLeaveVoicemail) : 'Not applicable'],
  ['Safe times', safe.safeTimes ?? 'Not given'],
  ['Language', safe.preferredLanguage ?? 'Not given'],
])}
<h2 class="govuk-heading-m">What the enquirer told us</h2>
${summaryList([
  ['Received', ukDateTime(view.receivedAt)],
  ['Happening now', yes(enquiry.happeningNow)],
  [
    'What is happening',
    enquiry.description.split('\n').map((line, i) => (i === 0 ? line : html`<br>${line}`)),
  ],
  ['Name', enquiry.contact.name ?? 'Not given'],
  ['Email', enquiry.contact.email ?? 'Not given'],
  ['Phone', enquiry.contact.phone ?? 'Not given'],
  ['Postcode', enquiry.location?.postcode ?? 'Not given'],
  ['Place', enquiry.location?.address ?? 'Not given'],
  ...(enquiry.source ? [['Sent through', enquiry.source.clientName] as const] : []),
  ['Due by', ukDateTime(view.dueBy)],
  ['Assigned to', view.assignedTo ?? 'Nobody yet'],
])}
${referralRows.length > 0 ? table({ caption: 'Referrals', head: ['Agency', 'Answer', 'Referred', 'Answer by', 'Email'], rows: referralRows }) : html`<h2 class="govuk-heading-m">Referrals</h2><p class="govuk-body">Not referred to any agency yet.</p>`}
<h2 class="govuk-heading-m">Actions</h2>
${actionable.map((r) =>
  form(
    'accept',
    html`<input type="hidden" name="agencyId" value="${r.agencyId}">${button(`Accept the referral for ${r.agencyName}`, undefined, `accept-${r.agencyId}`)}`,
  ),
)}
${actionable.map((r) => {
  // Opened again when its own form came back with an error, so the error's link lands on a visible field.
  const failedHere = input.failed?.action === 'decline' && input.failed.values.agencyId === r.agencyId;
  const errors = failedHere ? input.failed?.errors : undefined;
  return form(
    'decline',
    html`<input type="hidden" name="agencyId" value="${r.agencyId}">
<details class="govuk-details"${failedHere ? html` open` : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Decline the referral for ${r.agencyName}</span></summary>
<div class="govuk-details__text">
${select({
  id: `decline-reason-${r.agencyId}`,
  name: 'reason',
  label: 'Why?',
  errors,
  items: [
    { value: '', text: 'Choose a reason' },
    ...DECLINE_REASONS.map((reason) => ({
      value: reason,
      text: DECLINE_REASON_LABELS[reason],
      selected: failedHere && input.failed?.values.reason === reason,
    })),
  ],
})}
${textarea({ id: `decline-note-${r.agencyId}`, name: 'note', label: 'Note for the CSU (optional)', rows: 3, errors, value: failedHere ? input.failed?.values.note : undefined })}
${button('Decline referral', 'warning', `decline-${r.agencyId}`)}
</div></details>`,
  );
})}
${form(
  'note',
  html`${textarea({ id: 'note', name: 'text', label: 'Add an internal note', labelClass: 'govuk-label--s', hint: 'Only staff who may see this case read notes. The enquirer never does.', errors: errorsOf('note'), value: typedValue('note', 'text'), rows: 4 })}${button('Add note', 'secondary')}`,
)}
${form(
  'update',
  html`${textarea({ id: 'update', name: 'message', label: 'Publish an update for the enquirer', labelClass: 'govuk-label--s', hint: 'Shown on their progress page, and emailed if they said email is safe. Write nothing you would not want others in their home to read.', errors: errorsOf('update'), value: typedValue('update', 'message'), rows: 4 })}${button('Publish update', 'secondary')}`,
)}
${form(
  'assign',
  html`${textInput({ id: 'officer', name: 'officer', label: 'Assign to', labelClass: 'govuk-label--s', hint: 'Leave blank to assign it to yourself.', errors: errorsOf('assign'), value: typedValue('assign', 'officer'), widthClass: 'govuk-input--width-20' })}${button('Assign', 'secondary')}`,
)}
${
  csu
    ? form(
        'refer',
        html`${select({
          id: 'refer-agency',
          name: 'agencyId',
          label: 'Refer to another agency',
          labelClass: 'govuk-label--s',
          errors: errorsOf('refer'),
          items: input.agencies
            .filter((a) => a.active !== false && !view.referrals.some((r) => r.agencyId === a.id))
            .filter((a) => !view.sensitive || a.safeguarding)
            .map((a) => ({ value: a.id, text: a.name })),
        })}${button('Refer', 'secondary')}`,
      )
    : ''
}
${
  transitionItems.length > 0
    ? form(
        'transition',
        html`${choices('radios', { id: 'to', name: 'to', legend: 'Change the status', legendClass: 'govuk-fieldset__legend--s', errors: errorsOf('transition'), items: transitionItems })}
${
  view.allowedTransitions.includes('closed')
    ? select({
        id: 'reason',
        name: 'reason',
        label: 'Why is it closing? (when closing)',
        errors: errorsOf('transition'),
        items: [
          { value: '', text: 'Choose a reason' },
          ...CLOSURE_REASONS.map((reason) => ({
            value: reason,
            text: CLOSURE_LABELS[reason],
            selected: typedValue('transition', 'reason') === reason,
          })),
        ],
      })
    : ''
}
${textarea({ id: 'publicMessage', name: 'publicMessage', label: 'Message for the enquirer (optional)', rows: 3, errors: errorsOf('transition'), value: typedValue('transition', 'publicMessage') })}
${button('Change status')}`,
      )
    : ''
}
<h2 class="govuk-heading-m">Public updates</h2>
${view.publicUpdates.length > 0 ? html`<ul class="govuk-list">${view.publicUpdates.map((u) => html`<li><span class="govuk-caption-s">${ukDateTime(u.at)}</span><p class="govuk-body">${u.message}</p></li>`)}</ul>` : html`<p class="govuk-body">None yet.</p>`}
<h2 class="govuk-heading-m">Internal notes</h2>
${view.notes.length > 0 ? html`<ul class="govuk-list">${view.notes.map((n) => html`<li><span class="govuk-caption-s">${ukDateTime(n.at)}, ${n.author.subject}</span><p class="govuk-body">${n.text}</p></li>`)}</ul>` : html`<p class="govuk-body">None yet.</p>`}
<h2 class="govuk-heading-m">Timeline</h2>
<ol class="govuk-list govuk-list--number">${view.timeline.map((entry) => html`<li>${describeEntry(entry, agencyName)} <span class="govuk-caption-s">${ukDateTime(entry.at)}, ${entry.actor.subject}</span></li>`)}</ol>`;
}

/** One timeline entry in words. */
export function describeEntry(entry: TimelineEntry, agencies: ReadonlyMap<string, string>): string {
  const d = entry.details;
  const agency = typeof d.agencyId === 'string' ? (agencies.get(d.agencyId) ?? d.agencyId) : '';
  switch (entry.kind) {
    case 'received':
      return 'Received from the enquirer';
    case 'routed':
      return 'Routed by the routing table';
    case 'referred':
      return `Referred to ${agency}`;
    case 'referral-accepted':
      return `${agency} accepted the referral`;
    case 'referral-declined':
      return `${agency} declined the referral`;
    case 'assigned':
      return `Assigned to ${String(d.officer ?? d.to ?? '')}`.trim();
    case 'note-added':
      return 'Internal note added';
    case 'update-published':
      return 'Public update published';
    case 'status-changed':
      return `Status changed to ${STATUS_LABELS[d.to as EnquiryStatus] ?? String(d.to)}`;
    case 'erased':
      return 'Personal data erased';
    case 'referral-undelivered':
      return `Referral email to ${agency} could not be delivered`;
    default:
      return entry.kind;
  }
}

/** The routing table page: which agencies each category goes to, and its response targets. */
export function routingMain(input: {
  readonly categories: readonly EnquiryCategory[];
  readonly rules: ReadonlyMap<string, RoutingRule | undefined>;
  readonly agencies: ReadonlyMap<string, string>;
  readonly defaults: (sensitive: boolean) => {
    acceptWithinWorkingDays: number;
    closeWithinWorkingDays: number;
  };
  readonly ruleHref: (category: string) => string;
  /** The category whose routing was just saved. */
  readonly saved?: string;
}): Html {
  return html`${input.saved ? notificationBanner('Success', html`<p class="govuk-notification-banner__heading">Routing for ${input.saved} saved</p>`, true) : ''}
<h1 class="govuk-heading-l">Routing table</h1>
<p class="govuk-body">Each new enquiry is referred to the agencies of its category, which should accept it and close it within these working days. Choose a category to change them; every change is audited.</p>
${table({
  caption: 'Categories and their agencies',
  head: ['Category', 'Agencies', 'Accept within', 'Close within'],
  rows: input.categories.map((category) => {
    const rule = input.rules.get(category.code);
    const targets = rule?.targets ?? input.defaults(category.sensitive);
    return [
      html`<a class="govuk-link" href="${input.ruleHref(category.code)}">${category.title}<span class="govuk-visually-hidden"> (change routing)</span></a>${category.sensitive ? html` ${tag('Sensitive', 'red')}` : ''}${category.retired ? html` ${tag('Retired', 'grey')}` : ''}`,
      rule?.agencyIds.map((id) => input.agencies.get(id) ?? id).join(', ') || 'The CSU only',
      `${targets.acceptWithinWorkingDays} working days`,
      `${targets.closeWithinWorkingDays} working days`,
    ];
  }),
})}`;
}

/** The form that changes one category's routing rule and response targets. */
export function routingRuleMain(input: {
  readonly category: EnquiryCategory;
  readonly rule: RoutingRule & { readonly version: number };
  readonly targets: { readonly acceptWithinWorkingDays: number; readonly closeWithinWorkingDays: number };
  readonly agencies: readonly Agency[];
  readonly action: string;
  readonly csrf: string;
  readonly errors?: FieldErrors;
  readonly stale?: boolean;
  /** What was typed, shown again after an error. */
  readonly values?: {
    readonly agencyIds: readonly string[];
    readonly accept?: string;
    readonly close?: string;
  };
}): Html {
  const { category, rule, errors, values } = input;
  const chosen = new Set(values?.agencyIds ?? rule.agencyIds);
  const offered = input.agencies.filter(
    (agency) =>
      agency.active !== false && (!category.sensitive || agency.safeguarding || chosen.has(agency.id)),
  );
  return html`${
    input.stale
      ? notificationBanner(
          'Important',
          html`<p class="govuk-notification-banner__heading">Someone changed this routing since you opened it, so your change was not saved.</p><p class="govuk-body">The form now shows the routing as it is. Make your change again if it is still needed.</p>`,
        )
      : ''
  }
<span class="govuk-caption-l">Routing table</span>
<h1 class="govuk-heading-l">${category.title}</h1>
${category.sensitive ? warningText('A sensitive category: only agencies trained for safeguarding can be chosen.') : ''}
<form method="post" action="${input.action}" novalidate>
<input type="hidden" name="csrf" value="${input.csrf}">
<input type="hidden" name="version" value="${String(rule.version)}">
${choices('checkboxes', {
  id: 'agencyIds',
  name: 'agencyIds',
  legend: 'Which agencies receive these enquiries?',
  legendClass: 'govuk-fieldset__legend--m',
  hint: 'The CSU receives every enquiry as well.',
  errors,
  items: offered.map((agency) => ({ value: agency.id, text: agency.name, checked: chosen.has(agency.id) })),
})}
${textInput({ id: 'acceptWithinWorkingDays', label: 'Accept within (working days)', hint: 'From 1 to 30', errors, value: values?.accept ?? String(input.targets.acceptWithinWorkingDays), widthClass: 'govuk-input--width-3' })}
${textInput({ id: 'closeWithinWorkingDays', label: 'Close within (working days)', hint: 'From 1 to 250', errors, value: values?.close ?? String(input.targets.closeWithinWorkingDays), widthClass: 'govuk-input--width-3' })}
${button('Save routing')}
</form>`;
}

/** The directory page: the CSU's agencies and the form's categories, as they stand. */
export function directoryMain(input: {
  readonly agencies: readonly Agency[];
  readonly categories: readonly EnquiryCategory[];
}): Html {
  return html`<h1 class="govuk-heading-l">Directory</h1>
<p class="govuk-body">Who enquiries are referred to, and what the public can ask about. Change them with <code>PATCH /agencies/{id}</code> and <code>PATCH /enquiry-categories/{code}</code> in the staff API.</p>
${table({
  caption: 'Agencies',
  head: ['Agency', 'Referral mailbox', 'Safeguarding', 'Status'],
  rows: input.agencies.map((agency) => [
    agency.name,
    agency.email,
    agency.safeguarding ? 'Yes: receives sensitive cases' : 'No',
    agency.active === false ? tag('Inactive', 'grey') : tag('Active', 'green'),
  ]),
})}
${table({
  caption: 'Categories on the contact form',
  head: ['Category', 'Sensitive', 'Status'],
  rows: input.categories.map((category) => [
    category.title,
    category.sensitive ? 'Yes' : 'No',
    category.retired ? tag('Retired', 'grey') : tag('Offered', 'green'),
  ]),
})}`;
}

/** A page that says something is missing or refused, with a way on. */
export function messageMain(heading: string, paragraphs: readonly HtmlValue[]): Html {
  return html`<h1 class="govuk-heading-l">${heading}</h1>${paragraphs.map((p) => html`<p class="govuk-body">${p}</p>`)}`;
}
