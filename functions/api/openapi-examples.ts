/**
 * Examples for the OpenAPI document, built from the JSON Schemas themselves: each value is the first of its
 * schema's own `examples` (the realistic ones the route modules give with `documented()`), else its `const`,
 * `default` or first `enum` value, else a value of its type within its bounds. Every operation's request and
 * responses get one this way, and a unit test checks every example validates against its schema, so an
 * example cannot drift from the contract it illustrates.
 */

type Json = Record<string, unknown>;

/** Values for string formats that carry no example of their own. */
const FORMAT_EXAMPLES: Readonly<Record<string, string>> = {
  date: '2026-11-26',
  'date-time': '2026-11-26T09:30:00.000Z',
  email: 'alex.morgan@example.org',
  uri: 'https://www.example.org/community-safety',
  uuid: '3f2c8a4e-5b1d-4c6e-9a7f-2d8e1b0c4a91',
  time: '09:30:00',
};

/**
 * Realistic values by property name, for strings whose schema gives no example of its own (used only where the
 * value fits the schema's bounds and pattern).
 */
const PROPERTY_EXAMPLES: Readonly<Record<string, string>> = {
  name: 'Sam Taylor',
  email: 'sam.taylor@example.org',
  phone: '01632 960001',
  description:
    'Youths gather outside the shops on the High Street most evenings, shouting and throwing bottles.',
  postcode: 'TN23 1PL',
  address: '1 High Street, Ashford',
  title: 'Reduce anti-social behaviour in the town centre',
  reason: 'Already known to our neighbourhood team',
  text: 'Spoke to the enquirer; evening patrols agreed for Friday.',
  note: 'Spoke to the enquirer; evening patrols agreed for Friday.',
  safeTimes: 'Weekdays, 9am to noon',
  preferredLanguage: 'English',
  reference: 'CSU-2026-000123',
  category: 'anti-social-behaviour',
  agencyId: 'kent-police',
  organisationId: 'kent-police',
  role: 'Chief Inspector, Ashford',
  mailbox: 'referrals@kent-police.example',
  csuName: 'Ashford Community Safety Unit',
  csuMailbox: 'community.safety@ashford.gov.example',
  token: '9q3Zx7mB2kL0',
  agencyName: 'Kent Police',
  clientName: 'FixMyStreet',
  message: 'We have passed your enquiry to Kent Police, who will contact you within five working days.',
  subject: 'pc.jones',
  assignedTo: 'a.officer',
  referredBy: 'a.officer',
  respondedBy: 'pc.jones',
  actor: 'a.officer',
  dueBy: '2026-12-10T17:00:00.000Z',
  acceptBy: '2026-11-30T17:00:00.000Z',
  id: '3f2c8a4e-5b1d-4c6e-9a7f-2d8e1b0c4a91',
  clientId: '7d1e4b2a-9c3f-4e8d-b6a5-0f2c1d3e4b5a',
  'idempotency-key': 'enquiry-2026-11-26-0001',
  'if-match': '"3"',
};

/** How deep a recursive schema is followed before an example stops (an empty object or array). */
const MAX_DEPTH = 8;

/**
 * An example value of `schema`, resolving `$ref`s against `components` (`#/components/schemas/<name>`).
 * Optional properties are included, so an example shows the whole shape a client may see.
 */
export function exampleOf(
  schema: unknown,
  components: Readonly<Record<string, Json>>,
  depth = 0,
  propertyName?: string,
): unknown {
  if (!schema || typeof schema !== 'object') return null;
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/components/schemas/', '');
    return depth > MAX_DEPTH ? {} : exampleOf(components[name], components, depth + 1);
  }
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('example' in s) return s.example;
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const choices = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (Array.isArray(choices)) {
    const chosen = choices.find((choice) => choice.type !== 'null') ?? choices[0];
    return exampleOf(chosen, components, depth + 1, propertyName);
  }
  if (Array.isArray(s.allOf)) {
    return Object.assign({}, ...s.allOf.map((part) => exampleOf(part, components, depth + 1)));
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return objectExample(s, components, depth);
    case 'array': {
      if (depth > MAX_DEPTH) return [];
      const count = Math.max(1, Number(s.minItems ?? 1));
      return Array.from({ length: count }, () => exampleOf(s.items, components, depth + 1));
    }
    case 'string':
      return stringExample(s, propertyName);
    case 'integer':
    case 'number':
      return numberExample(s, propertyName);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      // `{}` (any value): a string is as good as anything.
      return Object.keys(s).length === 0 || s.description !== undefined ? 'value' : null;
  }
}

function objectExample(s: Json, components: Readonly<Record<string, Json>>, depth: number): Json {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  if (depth > MAX_DEPTH) return {};
  return Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [
      name,
      exampleOf(property, components, depth + 1, name),
    ]),
  );
}

function stringExample(s: Json, propertyName: string | undefined): string {
  const format = typeof s.format === 'string' ? FORMAT_EXAMPLES[s.format] : undefined;
  if (format) return format;
  const min = Number(s.minLength ?? 1);
  const max = Number(s.maxLength ?? Number.POSITIVE_INFINITY);
  const named =
    propertyName === undefined
      ? undefined
      : (PROPERTY_EXAMPLES[propertyName] ??
        // `receivedAt`, `closedAt`…: a moment.
        (/[a-z]At$/.test(propertyName) ? FORMAT_EXAMPLES['date-time'] : undefined));
  const fits = (value: string) =>
    value.length >= min &&
    value.length <= max &&
    (typeof s.pattern !== 'string' || new RegExp(s.pattern).test(value));
  if (named !== undefined && fits(named)) return named;
  const text = 'text'.padEnd(min, 'x');
  return text.slice(0, Math.max(min, Math.min(text.length, max)));
}

/** Ashford's town centre, for coordinates. */
const NUMBER_EXAMPLES: Readonly<Record<string, number>> = { latitude: 51.1465, longitude: 0.875 };

function numberExample(s: Json, propertyName: string | undefined): number {
  const named = propertyName === undefined ? undefined : NUMBER_EXAMPLES[propertyName];
  if (
    named !== undefined &&
    (typeof s.minimum !== 'number' || named >= s.minimum) &&
    (typeof s.maximum !== 'number' || named <= s.maximum)
  ) {
    return named;
  }
  const minimum =
    typeof s.minimum === 'number'
      ? s.minimum
      : typeof s.exclusiveMinimum === 'number'
        ? s.exclusiveMinimum + 1
        : 1;
  const maximum = typeof s.maximum === 'number' ? s.maximum : Number.POSITIVE_INFINITY;
  const value = Math.min(Math.max(minimum, 1), maximum);
  return s.type === 'integer' ? Math.ceil(value) : value;
}
