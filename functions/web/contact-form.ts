/**
 * The public contact form: what it asks, how its answers become the same request body `POST /enquiries`
 * validates, and the GOV.UK error messages for each field. One schema (NewEnquirySchema) decides what is
 * valid for both; this module only words the answer for a person rather than a program.
 */

import { NewEnquirySchema } from '../api/schemas.ts';
import { MAX_DESCRIPTION_LENGTH } from '../domain/enquiry.ts';
import type { FieldViolation } from '../domain/errors.ts';
import type { EnquiryCategory, Partnership } from '../domain/partnership.ts';
import {
  button,
  choices,
  type FieldErrors,
  insetText,
  notificationBanner,
  panel,
  textarea,
  textInput,
  warningText,
} from './components.ts';
import { type Html, html } from './html.ts';

/** The form's fields, as posted (every value a string; radios absent until chosen). */
export interface ContactFormValues {
  readonly category?: string;
  readonly description?: string;
  readonly happeningNow?: string;
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly postcode?: string;
  readonly address?: string;
  readonly mayEmail?: string;
  readonly mayPhone?: string;
  readonly mayLeaveVoicemail?: string;
  readonly safeTimes?: string;
  readonly preferredLanguage?: string;
}

/** The form's fields in the order the page asks them: the error summary lists them in this order too. */
const FIELDS = [
  'category',
  'description',
  'happeningNow',
  'postcode',
  'address',
  'name',
  'email',
  'mayEmail',
  'phone',
  'mayPhone',
  'mayLeaveVoicemail',
  'safeTimes',
  'preferredLanguage',
] as const satisfies readonly (keyof ContactFormValues)[];

/** What each field's error says, GOV.UK style: what to do, not what went wrong. */
const MESSAGES: Record<(typeof FIELDS)[number], { missing?: string; invalid: string }> = {
  category: { missing: 'Select what your enquiry is about', invalid: 'Select what your enquiry is about' },
  description: {
    missing: 'Enter what is happening',
    invalid: `What is happening must be ${MAX_DESCRIPTION_LENGTH.toLocaleString('en-GB')} characters or fewer`,
  },
  happeningNow: { missing: 'Select yes if it is happening now', invalid: 'Select yes or no' },
  name: { invalid: 'Your name must be 200 characters or fewer' },
  email: { invalid: 'Enter an email address in the correct format, like name@example.com' },
  phone: { invalid: 'Enter a telephone number, like 01632 960 001 or +44 7700 900 982' },
  postcode: { invalid: 'Enter a full UK postcode, like TN23 1PL' },
  address: { invalid: 'Where it is happening must be 500 characters or fewer' },
  mayEmail: { missing: 'Select yes if it is safe for us to email you', invalid: 'Select yes or no' },
  mayPhone: { missing: 'Select yes if it is safe for us to phone you', invalid: 'Select yes or no' },
  mayLeaveVoicemail: { invalid: 'Select yes or no' },
  safeTimes: { invalid: 'When it is safe to contact you must be 200 characters or fewer' },
  preferredLanguage: { invalid: 'Your preferred language must be 50 characters or fewer' },
};

/** Reads the posted form: known fields only, trimmed, empty ones absent. */
export function readContactForm(form: Readonly<Record<string, unknown>>): ContactFormValues {
  const values: Record<string, string> = {};
  for (const field of FIELDS) {
    const value = form[field];
    if (typeof value === 'string' && value.trim() !== '') values[field] = value.trim();
  }
  return values;
}

const yesNo = (value: string | undefined): boolean | undefined =>
  value === 'yes' ? true : value === 'no' ? false : undefined;

/**
 * The answers as the body of `POST /enquiries`, validated by its schema; or the errors to show, by field,
 * in the order the fields appear on the form.
 */
export function enquiryFromForm(
  values: ContactFormValues,
):
  | { readonly ok: true; readonly body: ReturnType<ReturnType<typeof NewEnquirySchema>['parse']> }
  | { readonly ok: false; readonly errors: FieldErrors } {
  const failed = new Set<(typeof FIELDS)[number]>();
  const missing = new Set<(typeof FIELDS)[number]>();
  if (!values.category) missing.add('category');
  if (!values.description) missing.add('description');
  if (yesNo(values.happeningNow) === undefined) missing.add('happeningNow');
  // Asked only of those who gave an address or number: we never assume it is safe to use one.
  if (values.email && yesNo(values.mayEmail) === undefined) missing.add('mayEmail');
  if (values.phone && yesNo(values.mayPhone) === undefined) missing.add('mayPhone');
  const location =
    values.postcode || values.address ? { postcode: values.postcode, address: values.address } : undefined;
  const body = {
    category: values.category ?? '',
    description: values.description ?? '',
    name: values.name,
    email: values.email,
    phone: values.phone,
    location,
    happeningNow: yesNo(values.happeningNow) ?? false,
    safeContact: {
      mayEmail: values.email ? (yesNo(values.mayEmail) ?? false) : false,
      mayPhone: values.phone ? (yesNo(values.mayPhone) ?? false) : false,
      mayLeaveVoicemail: values.phone ? (yesNo(values.mayLeaveVoicemail) ?? false) : false,
      safeTimes: values.safeTimes,
      preferredLanguage: values.preferredLanguage,
    },
  };
  const parsed = NewEnquirySchema().safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) failed.add(fieldOf(issue.path.map(String)));
  }
  if (parsed.success && missing.size === 0) return { ok: true, body: parsed.data };
  return { ok: false, errors: errorsFor(missing, failed) };
}

/** The errors of fields the use case refused (e.g. a category retired since the form was shown). */
export function errorsFromViolations(violations: readonly FieldViolation[]): FieldErrors {
  return errorsFor(new Set(), new Set(violations.map((v) => fieldOf(v.field.split('.')))));
}

function errorsFor(missing: ReadonlySet<string>, failed: ReadonlySet<string>): FieldErrors {
  const errors = new Map<string, string>();
  for (const field of FIELDS) {
    const messages = MESSAGES[field];
    if (missing.has(field)) errors.set(field, messages.missing ?? messages.invalid);
    else if (failed.has(field)) errors.set(field, messages.invalid);
  }
  return errors;
}

/** The form field a schema path names: `location.postcode` → `postcode`, `safeContact.safeTimes` → `safeTimes`. */
function fieldOf(path: readonly string[]): (typeof FIELDS)[number] {
  const last = path.at(-1) ?? '';
  if (path[0] === 'location' && last !== 'postcode') return 'address';
  return (FIELDS as readonly string[]).includes(last) ? (last as (typeof FIELDS)[number]) : 'description';
}

/** What the form page shows. */
export interface ContactFormPage {
  readonly partnership: Pick<
    Partnership,
    'csuName' | 'urgentPhone' | 'urgentPhoneHours' | 'privacyNoticeUrl'
  >;
  readonly categories: readonly EnquiryCategory[];
  readonly values: ContactFormValues;
  readonly errors?: FieldErrors;
  readonly action: string;
  readonly csrfToken: string;
  readonly idempotencyKey: string;
  /** The form came back because it had expired: say so, above the answers kept. */
  readonly expired?: boolean;
}

/** The urgent-help panel: above the form, before anyone starts typing. */
export function urgentHelp(partnership: ContactFormPage['partnership']): Html {
  return warningText(
    html`If anyone is in danger or a crime is happening now, call 999. For urgent help that is not an emergency, call ${partnership.urgentPhone} (${partnership.urgentPhoneHours}).`,
  );
}

const yesNoItems = (value: string | undefined) => [
  { value: 'yes', text: 'Yes', checked: value === 'yes' },
  { value: 'no', text: 'No', checked: value === 'no' },
];

/** The form's main content. */
export function contactFormMain(page: ContactFormPage): Html {
  const { values, errors, partnership } = page;
  const sensitive = page.categories.filter((category) => category.sensitive);
  const privacy = partnership.privacyNoticeUrl
    ? html`<p class="govuk-body">Read <a class="govuk-link" href="${partnership.privacyNoticeUrl}">how we use your information</a> (opens the privacy notice).</p>`
    : html``;
  return html`${
    page.expired
      ? notificationBanner(
          'Important',
          html`<p class="govuk-notification-banner__heading">Your form had expired, so it was not sent. Your answers are below: check them and send the form again.</p>`,
        )
      : ''
  }<h1 class="govuk-heading-l">Contact the ${partnership.csuName}</h1>
${urgentHelp(partnership)}
<p class="govuk-body">Tell us about crime, anti-social behaviour or anything that makes you feel unsafe where you live. We pass it to the organisations that can help, and you can follow its progress.</p>
<form method="post" action="${page.action}" novalidate>
<input type="hidden" name="csrf" value="${page.csrfToken}">
<input type="hidden" name="idempotencyKey" value="${page.idempotencyKey}">
${choices('radios', {
  id: 'category',
  name: 'category',
  legend: 'What is your enquiry about?',
  legendClass: 'govuk-fieldset__legend--m',
  errors,
  items: page.categories.map((category) => ({
    value: category.code,
    text: category.title,
    hint: category.description,
    checked: values.category === category.code,
  })),
})}
${
  sensitive.length > 0
    ? insetText(
        html`${sensitive.map((c) => c.title).join(', ')}: we treat these as sensitive. We never email your details or what you tell us to other organisations, and we only contact you in the ways you tell us are safe.`,
      )
    : ''
}
${textarea({
  id: 'description',
  label: 'What is happening?',
  labelClass: 'govuk-label--m',
  hint: 'Tell us what, where and when, and who is affected. Do not include anyone’s bank or medical details.',
  errors,
  value: values.description,
  rows: 8,
})}
${choices('radios', {
  id: 'happeningNow',
  name: 'happeningNow',
  legend: 'Is it happening now?',
  legendClass: 'govuk-fieldset__legend--m',
  errors,
  items: yesNoItems(values.happeningNow),
})}
<h2 class="govuk-heading-m">Where is it happening?</h2>
${textInput({ id: 'postcode', label: 'Postcode (optional)', errors, value: values.postcode, autocomplete: 'off', widthClass: 'govuk-input--width-10' })}
${textarea({ id: 'address', label: 'Street or place (optional)', errors, value: values.address, rows: 2 })}
<h2 class="govuk-heading-m">How we can contact you</h2>
<p class="govuk-body">You do not have to tell us who you are. Without a way to contact you, we cannot tell you what happens next.</p>
${textInput({ id: 'name', label: 'Your name (optional)', errors, value: values.name, autocomplete: 'name', spellcheck: false })}
${textInput({ id: 'email', label: 'Email address (optional)', type: 'email', errors, value: values.email, autocomplete: 'email', spellcheck: false })}
${choices('radios', {
  id: 'mayEmail',
  name: 'mayEmail',
  legend: 'Is it safe for us to email you?',
  hint: 'Answer if you gave an email address. Say no if someone else might read your email.',
  errors,
  items: yesNoItems(values.mayEmail),
  small: true,
})}
${textInput({ id: 'phone', label: 'Phone number (optional)', type: 'tel', errors, value: values.phone, autocomplete: 'tel', widthClass: 'govuk-input--width-20' })}
${choices('radios', {
  id: 'mayPhone',
  name: 'mayPhone',
  legend: 'Is it safe for us to phone you?',
  hint: 'Answer if you gave a phone number.',
  errors,
  items: yesNoItems(values.mayPhone),
  small: true,
})}
${choices('radios', {
  id: 'mayLeaveVoicemail',
  name: 'mayLeaveVoicemail',
  legend: 'Can we leave you a voicemail?',
  hint: 'If you are not sure, say no.',
  errors,
  items: yesNoItems(values.mayLeaveVoicemail),
  small: true,
})}
${textInput({ id: 'safeTimes', label: 'When is it safe to contact you? (optional)', hint: 'For example, weekday mornings before 11am', errors, value: values.safeTimes })}
${textInput({ id: 'preferredLanguage', label: 'Which language would you like us to use? (optional)', errors, value: values.preferredLanguage, widthClass: 'govuk-input--width-20' })}
${privacy}
${button('Send enquiry')}
</form>`;
}

/** What the confirmation page shows. */
export interface ContactConfirmation {
  readonly reference: string;
  readonly statusUrl: string;
  readonly acknowledgement: 'requested' | 'limited' | 'not-requested';
  readonly happeningNow: boolean;
  readonly partnership: ContactFormPage['partnership'];
  readonly newFormHref: string;
}

/** The confirmation page's main content: the reference, what happens next. */
export function confirmationMain(sent: ContactConfirmation): Html {
  const email =
    sent.acknowledgement === 'requested'
      ? html`<p class="govuk-body">We have sent a confirmation to your email address.</p>`
      : sent.acknowledgement === 'limited'
        ? html`<p class="govuk-body">We have already emailed this address several times today, so we have not sent another confirmation. Your enquiry has been received.</p>`
        : html``;
  return html`${panel('Enquiry sent', html`Your reference number<br><strong>${sent.reference}</strong>`)}
${sent.happeningNow ? urgentHelp(sent.partnership) : ''}
${email}
<h2 class="govuk-heading-m">What happens next</h2>
<p class="govuk-body">The ${sent.partnership.csuName} will pass your enquiry to the organisations that can help, usually within 2 working days.</p>
<p class="govuk-body"><a class="govuk-link" href="${sent.statusUrl}">Check the progress of your enquiry</a>. Keep this link private: anyone who has it can see the progress (but never what you wrote).</p>
<p class="govuk-body"><a class="govuk-link" href="${sent.newFormHref}">Send another enquiry</a></p>`;
}
