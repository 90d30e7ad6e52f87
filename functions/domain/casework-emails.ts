/**
 * The words of the casework emails: updates and closure notices to the enquirer, a declined referral to the
 * CSU, and the daily overdue digest to agencies and the CSU. Pure: the caller supplies the data and decides
 * whether to send (consent, recipients); this returns subject, text and HTML.
 *
 * Emails to the enquirer never name the category or repeat the description: someone else may read that inbox,
 * and for domestic abuse that can be dangerous. Staff emails carry references and links, never personal data:
 * the detail stays behind the staff view's sign-in.
 */
import {
  CLOSURE_OUTCOMES,
  type ClosureReason,
  DECLINE_REASON_LABELS,
  type DeclineReason,
} from './casework-vocabulary.ts';
import { type EmailContent, escapeHtml, htmlDocument, htmlLines, ukDateTime } from './email-content.ts';
import type { Partnership } from './partnership.ts';

type EnquirerPartnership = Pick<Partnership, 'csuName' | 'urgentPhone' | 'urgentPhoneHours'>;

// Normalised once so the text part never mixes CRLF into LF-joined lines.
function normaliseMessage(message: string | undefined): string | undefined {
  const trimmed = message?.replace(/\r\n?/g, '\n').trim();
  return trimmed ? trimmed : undefined;
}

function emergencyText(partnership: EnquirerPartnership): string[] {
  return [
    'In an emergency, or if a crime is happening now, call 999.',
    `For urgent help that is not an emergency, call ${partnership.urgentPhone} (${partnership.urgentPhoneHours}).`,
  ];
}

function emergencyHtml(partnership: EnquirerPartnership): string {
  return `<p><strong>In an emergency, or if a crime is happening now, call 999.</strong><br>
For urgent help that is not an emergency, call ${escapeHtml(partnership.urgentPhone)} (${escapeHtml(partnership.urgentPhoneHours)}).</p>`;
}

/**
 * An update from staff to the enquirer, sent only with their consent to email (the caller decides).
 * The message is written by staff for the enquirer; nothing else about the enquiry is repeated.
 *
 * @throws Error when the message is blank: an update with nothing in it would only alarm the reader.
 */
export function publicUpdateEmail(input: {
  reference: string;
  message: string;
  partnership: EnquirerPartnership;
  statusUrl: string;
}): EmailContent {
  const { reference, partnership, statusUrl } = input;
  const message = normaliseMessage(input.message);
  if (!message) throw new Error('An update email needs a message');
  const subject = `${partnership.csuName}: an update on your enquiry ${reference}`;
  const text = [
    `The ${partnership.csuName} has an update on your enquiry ${reference}.`,
    '',
    message,
    '',
    `You can check the progress of your enquiry at: ${statusUrl}`,
    '',
    `If you reply to this email, please quote your reference ${reference}.`,
    '',
    ...emergencyText(partnership),
    '',
    partnership.csuName,
  ].join('\n');
  const html = htmlDocument(
    subject,
    `<p>The ${escapeHtml(partnership.csuName)} has an update on your enquiry <strong>${escapeHtml(reference)}</strong>.</p>
<p>${htmlLines(message)}</p>
<p><a href="${escapeHtml(statusUrl)}">Check the progress of your enquiry</a></p>
<p>If you reply to this email, please quote your reference ${escapeHtml(reference)}.</p>
${emergencyHtml(partnership)}
<p>${escapeHtml(partnership.csuName)}</p>`,
  );
  return { subject, text, html };
}

/**
 * Notice to the enquirer that their enquiry is closed: the outcome in fixed plain words for the closure
 * reason, an optional message from staff, and how to get back in touch.
 */
export function closureEmail(input: {
  reference: string;
  reason: ClosureReason;
  message?: string;
  partnership: EnquirerPartnership;
  statusUrl: string;
}): EmailContent {
  const { reference, reason, partnership, statusUrl } = input;
  const message = normaliseMessage(input.message);
  const outcome = CLOSURE_OUTCOMES[reason];
  const subject = `${partnership.csuName}: your enquiry ${reference} is closed`;
  const getInTouch = `If you need to contact us again about this matter, reply to this email and quote your reference ${reference}.`;
  const text = [
    `Your enquiry ${reference} to the ${partnership.csuName} is now closed.`,
    '',
    'Outcome',
    outcome,
    '',
    ...(message ? [`Message from the ${partnership.csuName}:`, message, ''] : []),
    getInTouch,
    '',
    `You can see the outcome of your enquiry at: ${statusUrl}`,
    '',
    ...emergencyText(partnership),
    '',
    partnership.csuName,
  ].join('\n');
  const messageHtml = message
    ? `<h2>Message from the ${escapeHtml(partnership.csuName)}</h2>
<p>${htmlLines(message)}</p>
`
    : '';
  const html = htmlDocument(
    subject,
    `<p>Your enquiry <strong>${escapeHtml(reference)}</strong> to the ${escapeHtml(partnership.csuName)} is now closed.</p>
<h2>Outcome</h2>
<p>${escapeHtml(outcome)}</p>
${messageHtml}<p>${escapeHtml(getInTouch)}</p>
<p><a href="${escapeHtml(statusUrl)}">See the outcome of your enquiry</a></p>
${emergencyHtml(partnership)}
<p>${escapeHtml(partnership.csuName)}</p>`,
  );
  return { subject, text, html };
}

/**
 * Tells the CSU's mailbox that an agency declined a referral and the case is back in triage. The agency's
 * free-text note is deliberately not a parameter: it may hold personal data, so staff read it in the staff view.
 */
export function referralDeclinedEmail(input: {
  reference: string;
  agencyName: string;
  reason: DeclineReason;
  caseUrl: string;
  partnership: Pick<Partnership, 'csuName'>;
}): EmailContent {
  const { reference, agencyName, reason, caseUrl, partnership } = input;
  const label = DECLINE_REASON_LABELS[reason];
  return csuNotice({
    subject: `Referral declined: ${reference} by ${agencyName}`,
    intro: `${agencyName} has declined the referral of enquiry ${reference}. The case is back in the ${partnership.csuName} triage queue.`,
    fields: [
      ['Reference', reference],
      ['Declined by', agencyName],
      ['Reason', label],
    ],
    nextStep: 'Open the case to read the agency’s note and decide where it goes next.',
    reference,
    caseUrl,
  });
}

/** What SES's bounce types mean, for the CSU. */
const BOUNCE_TYPE_LABELS: Record<string, string> = {
  Permanent: 'Permanent: the mailbox does not exist or refuses our email',
  Transient: 'Temporary: the mailbox is full or unavailable',
  Undetermined: 'Undetermined',
  Suppressed:
    'Not sent: the mailbox bounced our email or complained before, so it is on the suppression list',
};

/**
 * Tells the CSU's mailbox that an agency's mailbox refused a referral for good: the agency never got it, the
 * address is now suppressed, and the case is back in triage. References and reference data only.
 */
export function undeliveredReferralEmail(input: {
  reference: string;
  agencyName: string;
  bounceType: string;
  caseUrl: string;
  partnership: Pick<Partnership, 'csuName'>;
}): EmailContent {
  const { reference, agencyName, bounceType, caseUrl, partnership } = input;
  return csuNotice({
    subject: `Referral not delivered: ${reference} to ${agencyName}`,
    intro: `The referral of enquiry ${reference} to ${agencyName} could not be delivered: their mailbox refused it. The case is back in the ${partnership.csuName} triage queue.`,
    fields: [
      ['Reference', reference],
      ['Agency', agencyName],
      ['Bounce', BOUNCE_TYPE_LABELS[bounceType] ?? bounceType],
    ],
    nextStep: `Contact ${agencyName} another way and check their referral mailbox; no more email will go to it until it is taken off the suppression list. Open the case to decide where it goes next.`,
    reference,
    caseUrl,
  });
}

/** A short notice to the CSU about one case: an introduction, a few fields, a next step and the case link. */
function csuNotice(input: {
  subject: string;
  intro: string;
  fields: readonly [string, string][];
  nextStep: string;
  reference: string;
  caseUrl: string;
}): EmailContent {
  const { subject, intro, fields, nextStep, reference, caseUrl } = input;
  const text = [intro, '', ...fields.map(([name, value]) => `${name}: ${value}`), '', nextStep, caseUrl].join(
    '\n',
  );
  const rows = fields
    .map(
      ([name, value]) =>
        `<tr><th scope="row" align="left" valign="top">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
  const html = htmlDocument(
    subject,
    `<p>${escapeHtml(intro)}</p>
<table cellpadding="4">
${rows}
</table>
<p>${escapeHtml(nextStep)}</p>
<p><a href="${escapeHtml(caseUrl)}">Open case ${escapeHtml(reference)}</a></p>`,
  );
  return { subject, text, html };
}

/** One overdue case in a digest: references and reference data only, never personal data. */
export interface OverdueDigestItem {
  readonly reference: string;
  readonly categoryTitle: string;
  /** Which deadline has passed: acceptance by an agency, or closure of the case. */
  readonly what: 'acceptance' | 'closure';
  /** The deadline, as an ISO instant. */
  readonly dueBy: string;
  readonly daysOverdue: number;
  readonly caseUrl: string;
}

const OVERDUE_STATES: Record<OverdueDigestItem['what'], string> = {
  acceptance: 'Not yet accepted',
  closure: 'Not yet closed',
};

function daysOverdueText(days: number): string {
  return `${days} ${days === 1 ? 'day' : 'days'} overdue`;
}

// Built on first use: constructing a formatter loads locale data, a cost every cold start would pay.
let longUkDateFormat: Intl.DateTimeFormat | undefined;

/** A calendar date (YYYY-MM-DD) as UK readers expect it: `Thursday 26 November 2026`. */
function longUkDate(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new Error(`Not a calendar date (YYYY-MM-DD): ${isoDate}`);
  // The date is already the UK calendar date, so format it at UTC midnight to keep the same day.
  longUkDateFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  // Assembled from parts: ICU versions differ on the comma after the weekday.
  const parts = longUkDateFormat.formatToParts(new Date(`${isoDate}T00:00:00Z`));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/**
 * The daily digest of overdue cases for one recipient: an agency gets its overdue referrals, the CSU gets
 * everything overdue. Most overdue first, then by reference, so the order is stable from day to day.
 *
 * @throws Error when there are no items: the caller must not send an empty digest.
 */
export function overdueDigestEmail(input: {
  recipientName: string;
  /** The UK calendar date of the digest, YYYY-MM-DD. */
  date: string;
  partnership: Pick<Partnership, 'csuName'>;
  items: readonly OverdueDigestItem[];
}): EmailContent {
  const { recipientName, partnership } = input;
  if (input.items.length === 0) throw new Error('An overdue digest needs at least one item');
  const items = [...input.items].sort(
    (a, b) =>
      b.daysOverdue - a.daysOverdue || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0),
  );
  const day = longUkDate(input.date);
  const count = `${items.length} overdue ${items.length === 1 ? 'enquiry' : 'enquiries'}`;
  const subject = `${partnership.csuName}: ${count} on ${day}`;
  const intro = `${items.length === 1 ? 'This enquiry is' : `These ${items.length} enquiries are`} past the date by which ${items.length === 1 ? 'it' : 'they'} should have been accepted or closed.`;
  const ask = `Please open each case and act on it, or tell the ${partnership.csuName} why it cannot be done.`;
  const text = [
    `To: ${recipientName}`,
    '',
    intro,
    ask,
    '',
    ...items.flatMap((item) => [
      `${item.reference}: ${item.categoryTitle}`,
      `${OVERDUE_STATES[item.what]}, due by ${ukDateTime(item.dueBy)}, ${daysOverdueText(item.daysOverdue)}`,
      item.caseUrl,
      '',
    ]),
    partnership.csuName,
  ].join('\n');
  const rows = items
    .map(
      (item) => `<tr>
<td><a href="${escapeHtml(item.caseUrl)}">${escapeHtml(item.reference)}</a></td>
<td>${escapeHtml(item.categoryTitle)}</td>
<td>${escapeHtml(OVERDUE_STATES[item.what])}</td>
<td>${escapeHtml(ukDateTime(item.dueBy))}</td>
<td>${escapeHtml(daysOverdueText(item.daysOverdue))}</td>
</tr>`,
    )
    .join('\n');
  const html = htmlDocument(
    subject,
    `<p>To: ${escapeHtml(recipientName)}</p>
<p>${escapeHtml(intro)}</p>
<p>${escapeHtml(ask)}</p>
<table cellpadding="4">
<caption>Overdue enquiries on ${escapeHtml(day)}</caption>
<thead>
<tr><th scope="col" align="left">Reference</th><th scope="col" align="left">Category</th><th scope="col" align="left">Status</th><th scope="col" align="left">Due by</th><th scope="col" align="left">Overdue</th></tr>
</thead>
<tbody>
${rows}
</tbody>
</table>
<p>${escapeHtml(partnership.csuName)}</p>`,
  );
  return { subject, text, html };
}
