/**
 * The words of every email we send. Pure: the mailer supplies the data, this returns subject, text and HTML.
 * HTML parts escape every value; nothing here goes into a header except the subject, built only from our own
 * reference data and the reference.
 */
import { contactSharedWithAgencies, type Enquiry, type EnquiryLocation } from './enquiry.ts';
import type { EnquiryCategory, Partnership } from './partnership.ts';

/** A rendered email, ready for any mail transport. */
export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escaped text with line breaks kept, for multi-line free text such as a description. */
export function htmlLines(value: string): string {
  return escapeHtml(value).replace(/\r?\n/g, '<br>\n');
}

/** An email's HTML part: one plain look for every message the CSU sends. */
export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: Arial, sans-serif; line-height: 1.5; color: #0b0c0c; max-width: 40em">
${body}
</body></html>`;
}

/**
 * Acknowledgement to the enquirer. It never repeats the description or names the category: someone else may
 * read this inbox, and for domestic abuse that can be dangerous.
 */
export function acknowledgementEmail(input: {
  reference: string;
  partnership: Pick<Partnership, 'csuName' | 'urgentPhone' | 'urgentPhoneHours' | 'privacyNoticeUrl'>;
  statusUrl: string;
}): EmailContent {
  const { reference, partnership, statusUrl } = input;
  const privacy = partnership.privacyNoticeUrl;
  const subject = `${partnership.csuName}: we have received your enquiry ${reference}`;
  const text = [
    `Thank you for contacting the ${partnership.csuName}.`,
    '',
    `Your reference is ${reference}. Please quote it if you contact us about this enquiry.`,
    '',
    'What happens next',
    'We will pass your enquiry to the agencies who can help. If we need to contact you, we will only use the',
    'contact details you said are safe to use.',
    '',
    `You can check the progress of your enquiry at: ${statusUrl}`,
    '',
    'In an emergency, or if a crime is happening now, call 999.',
    `For urgent help that is not an emergency, call ${partnership.urgentPhone} (${partnership.urgentPhoneHours}).`,
    '',
    ...(privacy ? [`How we use and protect your information: ${privacy}`, ''] : []),
    partnership.csuName,
  ].join('\n');
  const html = htmlDocument(
    subject,
    `<p>Thank you for contacting the ${escapeHtml(partnership.csuName)}.</p>
<p>Your reference is <strong>${escapeHtml(reference)}</strong>. Please quote it if you contact us about this enquiry.</p>
<h2>What happens next</h2>
<p>We will pass your enquiry to the agencies who can help. If we need to contact you, we will only use the contact details you said are safe to use.</p>
<p><a href="${escapeHtml(statusUrl)}">Check the progress of your enquiry</a></p>
<p><strong>In an emergency, or if a crime is happening now, call 999.</strong><br>
For urgent help that is not an emergency, call ${escapeHtml(partnership.urgentPhone)} (${escapeHtml(partnership.urgentPhoneHours)}).</p>
${privacy ? `<p><a href="${escapeHtml(privacy)}">How we use and protect your information</a></p>\n` : ''}<p>${escapeHtml(partnership.csuName)}</p>`,
  );
  return { subject, text, html };
}

// Built on first use: constructing a formatter loads time-zone data, a cost every cold start would pay.
let ukDateTimeFormat: Intl.DateTimeFormat | undefined;

/** An instant as UK staff read it: `Thursday 26 November 2026 at 08:16 (UK time)`, GMT or BST as due. */
export function ukDateTime(iso: string): string {
  ukDateTimeFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${ukDateTimeFormat.format(new Date(iso)).replace(', ', ' ')} (UK time)`;
}

function describeLocation(location: EnquiryLocation | undefined): string {
  if (!location) return 'Not given';
  const parts: string[] = [];
  if (location.address) parts.push(location.address);
  if (location.postcode) parts.push(location.postcode);
  if (location.latitude !== undefined && location.longitude !== undefined) {
    parts.push(`${location.latitude}, ${location.longitude}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'Not given';
}

/** How the enquirer may be reached, beside the channels: only where a channel is shared at all. */
function safeContactFields(enquiry: Pick<Enquiry, 'contact' | 'safeContact'>): Array<[string, string]> {
  const { safeContact } = enquiry;
  const phoneShared = safeContact.mayPhone && Boolean(enquiry.contact.phone);
  const fields: Array<[string, string]> = [];
  if (phoneShared) {
    fields.push([
      'Voicemail',
      safeContact.mayLeaveVoicemail ? 'A message may be left' : 'Do not leave a message',
    ]);
  }
  if ((phoneShared || safeContact.mayEmail) && safeContact.safeTimes) {
    fields.push(['Safe times to contact', safeContact.safeTimes]);
  }
  if (safeContact.preferredLanguage) fields.push(['Preferred language', safeContact.preferredLanguage]);
  return fields;
}

/**
 * Referral to an agency (or the CSU mailbox): everything needed to act, with the enquirer's contact details
 * only for the channels they consented to.
 */
export function agencyEmail(input: {
  enquiry: Enquiry;
  category: Pick<EnquiryCategory, 'title' | 'sensitive'>;
  recipientName: string;
  /** The case in the staff console, where the agency accepts or declines the referral. */
  caseUrl: string;
  partnership: Pick<Partnership, 'csuName'>;
}): EmailContent {
  const { enquiry, category, recipientName, caseUrl, partnership } = input;
  const contact = contactSharedWithAgencies(enquiry);
  const urgent = enquiry.happeningNow ? 'URGENT (happening now): ' : '';
  const subject = `${urgent}New enquiry ${enquiry.reference}: ${category.title}`;
  const fields: Array<[string, string]> = [
    ['Reference', enquiry.reference],
    ['Category', category.title],
    ['Received', ukDateTime(enquiry.receivedAt)],
    ['Happening now', enquiry.happeningNow ? 'Yes' : 'No'],
    ['Location', describeLocation(enquiry.location)],
    ['Name', contact.name ?? 'Not shared'],
    ['Email', contact.email ?? 'Not shared (no consent to email)'],
    ['Phone', contact.phone ?? 'Not shared (no consent to phone)'],
    ...safeContactFields(enquiry),
  ];
  const sensitiveNote = category.sensitive
    ? 'This enquiry is in a sensitive category. Only contact the enquirer through the channels shown, and never leave details in a message another person could hear or read.'
    : undefined;
  const text = [
    `To: ${recipientName}`,
    '',
    `The ${partnership.csuName} has received an enquiry for your attention.`,
    '',
    ...fields.map(([label, value]) => `${label}: ${value}`),
    '',
    'Description:',
    enquiry.description,
    '',
    ...(sensitiveNote ? [sensitiveNote, ''] : []),
    `Accept or decline the referral in the staff console (sign-in required): ${caseUrl}`,
    '',
    `Reply to this email to reach the ${partnership.csuName}. Quote ${enquiry.reference} in all correspondence.`,
  ].join('\n');
  const rows = fields
    .map(
      ([label, value]) =>
        `<tr><th align="left" valign="top">${escapeHtml(label)}</th><td>${htmlLines(value)}</td></tr>`,
    )
    .join('\n');
  const html = htmlDocument(
    subject,
    `<p>To: ${escapeHtml(recipientName)}</p>
<p>The ${escapeHtml(partnership.csuName)} has received an enquiry for your attention.</p>
<table cellpadding="4">
${rows}
</table>
<h2>Description</h2>
<p>${htmlLines(enquiry.description)}</p>
${sensitiveNote ? `<p><strong>${escapeHtml(sensitiveNote)}</strong></p>\n` : ''}<p><a href="${escapeHtml(caseUrl)}">Open the case</a> to accept or decline the referral (staff sign-in required).</p>
<p>Reply to this email to reach the ${escapeHtml(partnership.csuName)}. Quote ${escapeHtml(enquiry.reference)} in all correspondence.</p>`,
  );
  return { subject, text, html };
}

/**
 * Referral of an enquiry in a sensitive category (domestic abuse, sexual offences, exploitation…). Shared
 * mailboxes are read by many, and mail is forwarded and kept: so it carries no personal data, no description
 * and not even the category, only what tells the recipient to open the case in the staff view.
 */
export function sensitiveReferralEmail(input: {
  enquiry: Pick<Enquiry, 'reference' | 'receivedAt' | 'happeningNow'>;
  recipientName: string;
  caseUrl: string;
  partnership: Pick<Partnership, 'csuName'>;
}): EmailContent {
  const { enquiry, recipientName, caseUrl, partnership } = input;
  const subject = `Enquiry ${enquiry.reference} needs your attention`;
  const fields: Array<[string, string]> = [
    ['Reference', enquiry.reference],
    ['Received', ukDateTime(enquiry.receivedAt)],
    ['Happening now', enquiry.happeningNow ? 'Yes: treat as urgent' : 'No'],
  ];
  const lines = [
    `To: ${recipientName}`,
    '',
    `The ${partnership.csuName} has referred an enquiry to you. Its details are held securely and are not sent by email.`,
    '',
    ...fields.map(([label, value]) => `${label}: ${value}`),
    '',
    `Open the case (staff sign-in required): ${caseUrl}`,
    '',
    `Do not forward this email. Quote ${enquiry.reference} in all correspondence with the ${partnership.csuName}.`,
  ];
  const rows = fields
    .map(
      ([label, value]) =>
        `<tr><th align="left" valign="top">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
  const html = htmlDocument(
    subject,
    `<p>To: ${escapeHtml(recipientName)}</p>
<p>The ${escapeHtml(partnership.csuName)} has referred an enquiry to you. Its details are held securely and are not sent by email.</p>
<table cellpadding="4">
${rows}
</table>
<p><a href="${escapeHtml(caseUrl)}">Open the case</a> (staff sign-in required)</p>
<p>Do not forward this email. Quote ${escapeHtml(enquiry.reference)} in all correspondence with the ${escapeHtml(partnership.csuName)}.</p>`,
  );
  return { subject, text: lines.join('\n'), html };
}

/** The long date UK readers expect: `1 April 2027`. */
function ukDate(isoDate: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${isoDate}T00:00:00Z`));
}

/** Notice to a partner's representative that a new chair term has started. */
export function chairRotatedEmail(input: {
  partnershipName: string;
  recipientName: string;
  chairName: string;
  previousChairName?: string;
  startsOn: string;
  endsOn: string;
}): EmailContent {
  const { partnershipName, recipientName, chairName, previousChairName, startsOn, endsOn } = input;
  const subject = `${partnershipName}: ${chairName} chairs the partnership from ${ukDate(startsOn)}`;
  const handover = previousChairName ? `, taking over from ${previousChairName}` : '';
  const sentence = `${chairName} chairs the ${partnershipName} from ${ukDate(startsOn)} until ${ukDate(endsOn)}${handover}.`;
  const text = [
    `Dear ${recipientName},`,
    '',
    sentence,
    '',
    'The chair alternates yearly under the partnership’s rotation. You are receiving this as a representative of a partner organisation.',
    '',
    partnershipName,
  ].join('\n');
  const html = htmlDocument(
    subject,
    `<p>Dear ${escapeHtml(recipientName)},</p>
<p>${escapeHtml(sentence)}</p>
<p>The chair alternates yearly under the partnership’s rotation. You are receiving this as a representative of a partner organisation.</p>
<p>${escapeHtml(partnershipName)}</p>`,
  );
  return { subject, text, html };
}
