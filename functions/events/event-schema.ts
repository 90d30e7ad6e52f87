/**
 * Schemas of event data: flat records of strings, dates and flags, which is all our events carry (references
 * and ids, never personal data). Small on purpose: the consumers that parse events would otherwise bundle a
 * validation library for four flat objects, and their cold start is mostly what they bundle.
 */

/** The kinds of field an event may carry. */
export type FieldKind = 'string' | 'boolean' | 'integer' | 'date' | 'datetime';

type FieldSpec = FieldKind | { readonly kind: FieldKind; readonly optional: true };
type Shape = Readonly<Record<string, FieldSpec>>;

type ValueOf<K> = K extends 'boolean' ? boolean : K extends 'integer' ? number : string;
type KindOf<F> = F extends { readonly kind: infer K } ? K : F;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];

/** The data a shape describes. */
export type DataOf<S extends Shape> = {
  readonly [K in Exclude<keyof S, OptionalKeys<S>>]: ValueOf<KindOf<S[K]>>;
} & { readonly [K in OptionalKeys<S>]?: ValueOf<KindOf<S[K]>> };

/** Validates and copies unknown input into a `Data`, keeping only the declared fields. */
export interface EventSchema<Data> {
  parse(value: unknown): Data;
}

/** Thrown when data does not fit its event's schema; names the field, never echoes the value. */
export class EventDataInvalid extends Error {
  constructor(
    readonly field: string,
    expected: string,
  ) {
    super(`Event field ${field} must be ${expected}`);
    this.name = 'EventDataInvalid';
  }
}

/** A field that may be absent. */
export const optional = <const K extends FieldKind>(kind: K) => ({ kind, optional: true }) as const;

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const CHECKS: Record<FieldKind, { test: (value: unknown) => boolean; expected: string }> = {
  string: { test: (v) => typeof v === 'string', expected: 'a string' },
  boolean: { test: (v) => typeof v === 'boolean', expected: 'true or false' },
  integer: { test: (v) => Number.isInteger(v), expected: 'an integer' },
  date: { test: (v) => typeof v === 'string' && DATE.test(v), expected: 'a date (YYYY-MM-DD)' },
  datetime: {
    test: (v) => typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)),
    expected: 'an ISO 8601 date-time',
  },
};

/** A schema of an object with `shape`'s fields. */
export function eventSchema<const S extends Shape>(shape: S, path = ''): EventSchema<DataOf<S>> {
  return {
    parse(value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new EventDataInvalid(path.replace(/\.$/, '') || '(data)', 'an object');
      }
      const record = value as Record<string, unknown>;
      const parsed: Record<string, unknown> = {};
      for (const [name, spec] of Object.entries(shape)) {
        const { kind, optional: isOptional } =
          typeof spec === 'string' ? { kind: spec, optional: false } : spec;
        const field = record[name];
        if (field === undefined && isOptional) continue;
        if (!CHECKS[kind].test(field)) throw new EventDataInvalid(`${path}${name}`, CHECKS[kind].expected);
        parsed[name] = field;
      }
      return parsed as DataOf<S>;
    },
  };
}
