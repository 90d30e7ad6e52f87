/**
 * HTML that escapes by default: every value interpolated into an `html` template is escaped unless it is
 * itself `Html` (built by another `html` template). Nothing the public or staff typed can become markup.
 */

import { escapeHtml } from '../domain/email-content.ts';

/** Markup that is already safe to place in a page. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What may be interpolated: text (escaped), markup, lists of either, or nothing. */
export type HtmlValue = string | number | Html | undefined | null | false | readonly HtmlValue[];

/** The escaping every HTML the system writes uses (emails, the status page, these pages). */
export { escapeHtml };

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The template tag: `html\`<p>${text}</p>\``. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}
