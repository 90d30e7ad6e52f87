/**
 * GOV.UK Design System components as functions returning markup, following the published HTML of
 * govuk-frontend (`dist/govuk/components/<name>/template-*.html`). Only what the pages use; none needs
 * JavaScript.
 */
import { type Html, type HtmlValue, html } from './html.ts';

/** Field errors by field id, in the order the fields appear. */
export type FieldErrors = ReadonlyMap<string, string>;

interface FieldOptions {
  readonly id: string;
  readonly name?: string;
  readonly label: HtmlValue;
  readonly hint?: HtmlValue;
  readonly errors?: FieldErrors;
  /** Shows the label as the page's heading (one question per page). */
  readonly labelClass?: string;
}

const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

function errorMessage(id: string, error: string | undefined): Html {
  return error
    ? html`<p id="${id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${error}</p>`
    : html``;
}

function hintOf(id: string, hint: HtmlValue): Html {
  return hint ? html`<div id="${id}-hint" class="govuk-hint">${hint}</div>` : html``;
}

const attribute = (name: string, value: string | undefined) =>
  value === undefined ? html`` : html` ${name}="${value}"`;

/** A one-line text input. */
export function textInput(
  options: FieldOptions & {
    readonly value?: string;
    readonly type?: 'text' | 'email' | 'tel';
    readonly autocomplete?: string;
    readonly widthClass?: string;
    readonly spellcheck?: boolean;
  },
): Html {
  const { id, name = id, label, hint, errors, value, type = 'text', autocomplete, widthClass } = options;
  const error = errors?.get(id);
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
<label class="govuk-label${options.labelClass ? ` ${options.labelClass}` : ''}" for="${id}">${label}</label>
${hintOf(id, hint)}${errorMessage(id, error)}<input class="govuk-input${widthClass ? ` ${widthClass}` : ''}${error ? ' govuk-input--error' : ''}" id="${id}" name="${name}" type="${type}" value="${value ?? ''}"${attribute('autocomplete', autocomplete)}${attribute('aria-describedby', describedBy(id, hint, error))}${options.spellcheck === false ? html` spellcheck="false"` : ''}>
</div>`;
}

/** A multi-line text area. */
export function textarea(options: FieldOptions & { readonly value?: string; readonly rows?: number }): Html {
  const { id, name = id, label, hint, errors, value, rows = 5 } = options;
  const error = errors?.get(id);
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
<label class="govuk-label${options.labelClass ? ` ${options.labelClass}` : ''}" for="${id}">${label}</label>
${hintOf(id, hint)}${errorMessage(id, error)}<textarea class="govuk-textarea${error ? ' govuk-textarea--error' : ''}" id="${id}" name="${name}" rows="${rows}"${attribute('aria-describedby', describedBy(id, hint, error))}>${value ?? ''}</textarea>
</div>`;
}

/** One choice of a radios or checkboxes group. */
export interface Choice {
  readonly value: string;
  readonly text: HtmlValue;
  readonly hint?: HtmlValue;
  readonly checked?: boolean;
}

/** A radios (one of) or checkboxes (any of) question in a fieldset. */
export function choices(
  kind: 'radios' | 'checkboxes',
  options: {
    readonly id: string;
    readonly name: string;
    readonly legend: HtmlValue;
    readonly legendClass?: string;
    readonly hint?: HtmlValue;
    readonly errors?: FieldErrors;
    readonly items: readonly Choice[];
    readonly small?: boolean;
  },
): Html {
  const { id, name, legend, hint, errors, items } = options;
  const error = errors?.get(id);
  const item = (choice: Choice, index: number) => {
    // The first item takes the group's id, so the error summary's link lands on it.
    const itemId = index === 0 ? id : `${id}-${index + 1}`;
    const itemHint = choice.hint
      ? html`<div id="${itemId}-item-hint" class="govuk-hint govuk-${kind}__hint">${choice.hint}</div>`
      : html``;
    return html`<div class="govuk-${kind}__item">
<input class="govuk-${kind}__input" id="${itemId}" name="${name}" type="${kind === 'radios' ? 'radio' : 'checkbox'}" value="${choice.value}"${choice.checked ? html` checked` : ''}${choice.hint ? html` aria-describedby="${itemId}-item-hint"` : ''}>
<label class="govuk-label govuk-${kind}__label" for="${itemId}">${choice.text}</label>
${itemHint}</div>`;
  };
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
<fieldset class="govuk-fieldset"${attribute('aria-describedby', describedBy(id, hint, error))}>
<legend class="govuk-fieldset__legend ${options.legendClass ?? 'govuk-fieldset__legend--s'}">${legend}</legend>
${hintOf(id, hint)}${errorMessage(id, error)}<div class="govuk-${kind}${options.small ? ` govuk-${kind}--small` : ''}" data-module="govuk-${kind}">
${items.map(item)}
</div>
</fieldset>
</div>`;
}

/** A drop-down list. */
export function select(
  options: FieldOptions & {
    readonly items: readonly { readonly value: string; readonly text: string; readonly selected?: boolean }[];
  },
): Html {
  const { id, name = id, label, hint, errors, items } = options;
  const error = errors?.get(id);
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
<label class="govuk-label${options.labelClass ? ` ${options.labelClass}` : ''}" for="${id}">${label}</label>
${hintOf(id, hint)}${errorMessage(id, error)}<select class="govuk-select${error ? ' govuk-select--error' : ''}" id="${id}" name="${name}"${attribute('aria-describedby', describedBy(id, hint, error))}>
${items.map((item) => html`<option value="${item.value}"${item.selected ? html` selected` : ''}>${item.text}</option>`)}
</select>
</div>`;
}

/** The error summary at the top of a page whose form has errors, linking to each field. */
export function errorSummary(errors: FieldErrors | undefined): Html {
  if (!errors || errors.size === 0) return html``;
  // Focused on arrival (GOV.UK does it with script; these pages have none), so a screen reader starts here.
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" autofocus>
<div role="alert">
<h2 class="govuk-error-summary__title">There is a problem</h2>
<div class="govuk-error-summary__body">
<ul class="govuk-list govuk-error-summary__list">
${[...errors].map(([id, message]) => html`<li><a href="#${id}">${message}</a></li>`)}
</ul>
</div>
</div>
</div>`;
}

/** A button that submits its form. */
export function button(text: string, variant?: 'secondary' | 'warning', id?: string): Html {
  return html`<button type="submit"${attribute('id', id)} class="govuk-button${variant ? ` govuk-button--${variant}` : ''}" data-module="govuk-button">${text}</button>`;
}

/** Rows of keys and values. */
export function summaryList(rows: readonly (readonly [HtmlValue, HtmlValue])[]): Html {
  return html`<dl class="govuk-summary-list">
${rows.map(([key, value]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`)}
</dl>`;
}

/** A table with a caption and column headers. */
export function table(options: {
  readonly caption: string;
  readonly head: readonly HtmlValue[];
  readonly rows: readonly (readonly HtmlValue[])[];
}): Html {
  // Wide tables scroll inside their own box on a phone, never the page (WCAG 1.4.10); the box can be
  // focused, so it scrolls with the keyboard too.
  return html`<div class="csp-scroll" role="region" aria-label="${options.caption}" tabindex="0">
<table class="govuk-table">
<caption class="govuk-table__caption govuk-table__caption--m">${options.caption}</caption>
<thead class="govuk-table__head"><tr class="govuk-table__row">${options.head.map((cell) => html`<th scope="col" class="govuk-table__header">${cell}</th>`)}</tr></thead>
<tbody class="govuk-table__body">
${options.rows.map((row) => html`<tr class="govuk-table__row">${row.map((cell) => html`<td class="govuk-table__cell">${cell}</td>`)}</tr>`)}
</tbody>
</table>
</div>`;
}

/** A coloured label, e.g. a status. */
export function tag(text: string, colour?: 'grey' | 'green' | 'red' | 'yellow' | 'blue' | 'orange'): Html {
  return html`<strong class="govuk-tag${colour ? ` govuk-tag--${colour}` : ''}">${text}</strong>`;
}

/** A banner at the top of the main content: news (`role="region"`) or, on success, a status (`role="alert"`). */
export function notificationBanner(title: string, content: HtmlValue, success = false): Html {
  return html`<div class="govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}" role="${success ? 'alert' : 'region'}" aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner"${success ? html` tabindex="-1" autofocus` : ''}>
<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title">${title}</h2></div>
<div class="govuk-notification-banner__content">${content}</div>
</div>`;
}

/** Important text a person must not miss. */
export function warningText(text: HtmlValue): Html {
  return html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> ${text}</strong></div>`;
}

/** Text set apart from what surrounds it. */
export function insetText(content: HtmlValue): Html {
  return html`<div class="govuk-inset-text">${content}</div>`;
}

/** A confirmation panel: the page's heading and what the person needs to keep. */
export function panel(title: string, body: HtmlValue): Html {
  return html`<div class="govuk-panel govuk-panel--confirmation"><h1 class="govuk-panel__title">${title}</h1><div class="govuk-panel__body">${body}</div></div>`;
}
