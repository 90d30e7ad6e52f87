/**
 * GeoReport v2 documents in the two formats the spec defines, chosen by the path's extension: XML (built with
 * fast-xml-parser, never by concatenating strings) and JSON. A document is written once, as XML's elements;
 * JSON follows the spec's convention that wrappers vanish: a list is a bare array (`[{…}]`, not
 * `{"services":{"service":[…]}}`), and so is any element that only wraps a list (`"attributes": [{…}]`). An
 * empty value is an empty element in XML and `null` in JSON.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { Open311Format } from './georeport.ts';

/** A value of a document: text, a number or flag, a nested element, or a list of repeated elements. */
export type Open311Value =
  | string
  | number
  | boolean
  | null
  | undefined
  | Open311Element
  | readonly (Open311Element | string)[];
export interface Open311Element {
  readonly [name: string]: Open311Value;
}

/**
 * The text of a document: `list` of `item`s inside `root` (e.g. `service_requests` / `request`), or one element
 * `root` when `item` is absent.
 */
export function renderOpen311(
  format: Open311Format,
  document:
    | { readonly root: string; readonly item: string; readonly list: readonly Open311Element[] }
    | { readonly root: string; readonly element: Open311Element },
): string {
  if (format === 'json') {
    return JSON.stringify(jsonOf('list' in document ? document.list : document.element));
  }
  const content = 'list' in document ? { [document.item]: document.list } : document.element;
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [document.root]: xmlSafeTree(content) })}`;
}

/** One GeoReport v2 error (`code` is the HTTP status). */
export interface Open311Error {
  readonly code: number;
  readonly description: string;
}

/** The spec's error document: `<errors><error><code/><description/></error></errors>`, or its JSON array. */
export function renderOpen311Errors(format: Open311Format, errors: readonly Open311Error[]): string {
  return renderOpen311(format, {
    root: 'errors',
    item: 'error',
    list: errors.map(({ code, description }) => ({ code, description })),
  });
}

const builder = new XMLBuilder({
  format: true,
  ignoreAttributes: true,
  // `&`, `<`, `>`, quotes: escaped in every text node.
  processEntities: true,
  suppressEmptyNode: false,
  suppressBooleanAttributes: false,
});

/**
 * Characters XML 1.0 cannot carry even escaped (most C0 controls, U+FFFE/U+FFFF, lone surrogates): dropped, so
 * the document stays well formed whatever a stored value holds.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function xmlSafe(text: string): string {
  return text.replace(NOT_XML, '');
}

/** The JSON form of a value: wrappers of one list become the list; empty values null. */
function jsonOf(value: Open311Value | string): unknown {
  if (typeof value === 'string') return value === '' ? null : xmlSafe(value);
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(jsonOf);
  const entries = Object.entries(value as Open311Element);
  const [only] = entries;
  if (entries.length === 1 && only && Array.isArray(only[1])) return jsonOf(only[1]);
  return Object.fromEntries(entries.map(([key, inner]) => [key, jsonOf(inner)]));
}

function xmlSafeTree(value: Open311Value | string): unknown {
  if (typeof value === 'string') return xmlSafe(value);
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(xmlSafeTree);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, xmlSafeTree(inner)]));
  }
  return value;
}
