/**
 * Amazon EventBridge event pattern matching for the local cloud, so that local rules route events exactly as
 * AWS would.
 *
 * The semantics follow the EventBridge user guide ("Creating event patterns", "Content filtering", "Matching
 * null values and empty strings", "Arrays in event patterns") and, where the guide is silent, aws/event-ruler,
 * AWS's open-source Java implementation of the same pattern language:
 * - the event is flattened into leaf fields named by their dotted path; arrays add no name segment, every
 *   element is a separate value of the same field;
 * - a pattern is compiled into one or more sub-patterns (one per `$or` branch); each is a map from a dotted
 *   path to the list of allowed values or operators (OR), and all of its paths must match (AND);
 * - matches are array consistent: two fields matched inside objects must not come from different elements of
 *   the same array (`{ employees: { first: ['Anna'], last: ['Jones'] } }` does not match Anna Smith and
 *   Peter Jones).
 */

/** An EventBridge event pattern, as given to PutRule's `EventPattern` (already parsed from JSON). */
export type EventPattern = Record<string, unknown>;

/** A JSON leaf value of an event. */
type Leaf = string | number | boolean | null;

/** Tests one leaf value of the event. */
type ValueMatcher = (value: Leaf) => boolean;

/** What one dotted path of a sub-pattern accepts. */
interface FieldRule {
  readonly matchers: readonly ValueMatcher[];
  /** The list held `{ "exists": false }`, so the field may also be absent. */
  readonly absenceAllowed: boolean;
}

/** One branch of the pattern after `$or` expansion: dotted path to rule, all ANDed. */
type SubPattern = Map<string, FieldRule>;

/** Array id to element index, for every array a field sits in. */
type Membership = ReadonlyMap<number, number>;

interface EventField {
  readonly value: Leaf;
  readonly membership: Membership;
}

const OR = '$or';

/** Field names event-ruler refuses inside an `$or` branch, so operator typos there are caught. */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
]);

/** Numeric matching is limited to ±5.0e9 with six decimal places (event-ruler's ComparableNumber). */
const NUMERIC_LIMIT = 5e9;

class EventPatternError extends Error {
  override readonly name = 'EventPatternError';
}

function fail(path: string, message: string): never {
  throw new EventPatternError(
    path ? `Invalid event pattern at "${path}": ${message}` : `Invalid event pattern: ${message}`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/**
 * Checks a pattern the way PutRule does, throwing an Error that names the offending path for: a pattern or
 * nested field that is not an object, an empty object, a field whose value is neither an object nor an array
 * (a leaf must be an array), an empty or nested match array, an unknown or malformed operator (`prefix`,
 * `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `numeric`, `exists`, `cidr`), and an `$or` that
 * is not an array of at least two objects.
 */
export function assertValidEventPattern(pattern: EventPattern): void {
  compilePattern(pattern);
}

/**
 * Whether `event` (a parsed EventBridge event envelope) matches `pattern` with EventBridge semantics.
 *
 * Pattern fields are ANDed, the values of a field's array are ORed, nested objects recurse, and a field the
 * event lacks fails the match, except for `{ "exists": false }`. When the event value is an array, any element
 * may match. Strings, numbers, booleans and `null` match by exact equality (`null` matches only JSON null,
 * `""` only the empty string). Throws, like {@link assertValidEventPattern}, for a malformed pattern; returns
 * false for an event that is not a JSON object.
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  const subPatterns = compilePattern(pattern);
  if (!isPlainObject(event)) return false;
  const fields = flattenEvent(event);
  return subPatterns.some((subPattern) => matchesSubPattern(subPattern, fields));
}

// ---------------------------------------------------------------------------------------------------------
// Compiling the pattern
// ---------------------------------------------------------------------------------------------------------

function compilePattern(pattern: unknown): SubPattern[] {
  if (!isPlainObject(pattern)) fail('', `the pattern must be a JSON object, got ${describe(pattern)}`);
  return compileObject(pattern, '', [], false);
}

function joinPath(path: string, name: string): string {
  // event-ruler joins with dots too, so { "a.b": [...] } and { a: { b: [...] } } name the same field.
  return path === '' ? name : `${path}.${name}`;
}

/**
 * Adds the fields of one pattern object to every sub-pattern built so far; `$or` forks them. Later fields
 * replace earlier ones with the same path, as in event-ruler.
 */
function compileObject(
  object: Record<string, unknown>,
  path: string,
  subPatterns: SubPattern[],
  insideOr: boolean,
): SubPattern[] {
  const entries = Object.entries(object);
  if (entries.length === 0) fail(path, 'empty objects are not allowed');
  let result = subPatterns;
  for (const [name, value] of entries) {
    if (name === OR) {
      result = compileOr(value, path, result);
      continue;
    }
    const fieldPath = joinPath(path, name);
    if (insideOr && RESERVED_IN_OR.has(name)) {
      fail(fieldPath, `"${name}" is a reserved keyword and cannot be a field name inside ${OR}`);
    }
    if (Array.isArray(value)) {
      const rule = compileFieldRule(value, fieldPath);
      if (result.length === 0) result = [new Map()];
      for (const subPattern of result) subPattern.set(fieldPath, rule);
    } else if (isPlainObject(value)) {
      result = compileObject(value, fieldPath, result, insideOr);
    } else {
      fail(fieldPath, `a field must be an object or an array of match values, got ${describe(value)}`);
    }
  }
  return result;
}

function compileOr(value: unknown, path: string, subPatterns: SubPattern[]): SubPattern[] {
  const orPath = joinPath(path, OR);
  if (!Array.isArray(value)) fail(orPath, `${OR} must be an array of objects`);
  if (value.length < 2) fail(orPath, `${OR} needs at least two objects`);
  const result: SubPattern[] = [];
  for (const branch of value) {
    if (!isPlainObject(branch)) fail(orPath, `${OR} may only hold objects, got ${describe(branch)}`);
    // Each branch extends its own copy of everything compiled so far (distributing AND over OR).
    const copies =
      subPatterns.length === 0 ? [new Map()] : subPatterns.map((subPattern) => new Map(subPattern));
    result.push(...compileObject(branch, path, copies, true));
  }
  return result;
}

const ABSENT = Symbol('exists: false');

function compileFieldRule(values: readonly unknown[], path: string): FieldRule {
  if (values.length === 0) fail(path, 'empty match arrays are not allowed');
  const matchers: ValueMatcher[] = [];
  let absenceAllowed = false;
  for (const value of values) {
    if (typeof value === 'string') {
      matchers.push(exactString(value));
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) fail(path, `${value} is not a JSON number`);
      matchers.push((v) => v === value);
    } else if (typeof value === 'boolean' || value === null) {
      matchers.push((v) => v === value);
    } else if (isPlainObject(value)) {
      const matcher = compileOperator(value, path);
      if (matcher === ABSENT) absenceAllowed = true;
      else matchers.push(matcher);
    } else {
      fail(
        path,
        `match values must be strings, numbers, booleans, null or operators, got ${describe(value)}`,
      );
    }
  }
  return { matchers, absenceAllowed };
}

/** An exact string; one that is an IP address matches the same address written differently, as in AWS. */
function exactString(expected: string): ValueMatcher {
  const ip = parseIp(expected);
  if (!ip) return (v) => v === expected;
  return (v) => {
    if (v === expected) return true;
    const actual = typeof v === 'string' ? parseIp(v) : undefined;
    return actual !== undefined && actual.bits === ip.bits && actual.value === ip.value;
  };
}

function compileOperator(operator: Record<string, unknown>, path: string): ValueMatcher | typeof ABSENT {
  const names = Object.keys(operator);
  if (names.length !== 1)
    fail(path, `an operator object must have exactly one key, got ${describe(operator)}`);
  const name = names[0]!;
  const argument = operator[name];
  switch (name) {
    case 'prefix':
    case 'suffix': {
      const test = name === 'prefix' ? startsWith : endsWith;
      if (typeof argument === 'string') return (v) => typeof v === 'string' && test(v, argument);
      const folded = fold(ignoreCaseArgument(argument, path, name));
      return (v) => typeof v === 'string' && test(fold(v), folded);
    }
    case 'equals-ignore-case': {
      const folded = fold(requireString(argument, path, name));
      return (v) => typeof v === 'string' && fold(v) === folded;
    }
    case 'wildcard': {
      const segments = parseWildcard(requireString(argument, path, name), path);
      return (v) => typeof v === 'string' && matchesWildcard(v, segments);
    }
    case 'anything-but':
      return compileAnythingBut(argument, path);
    case 'numeric':
      return compileNumeric(argument, path);
    case 'exists':
      if (typeof argument !== 'boolean')
        fail(path, `"exists" must be true or false, got ${describe(argument)}`);
      // Any leaf counts as present, null included; absence is decided per path when matching.
      return argument ? () => true : ABSENT;
    case 'cidr':
      return compileCidr(requireString(argument, path, name), path);
    default:
      return fail(path, `unknown operator "${name}"`);
  }
}

function requireString(value: unknown, path: string, operator: string): string {
  if (typeof value !== 'string') fail(path, `"${operator}" needs a string, got ${describe(value)}`);
  return value;
}

/** `{ "prefix": { "equals-ignore-case": "x" } }` and the same for suffix. */
function ignoreCaseArgument(value: unknown, path: string, operator: string): string {
  if (!isPlainObject(value) || Object.keys(value).length !== 1 || !('equals-ignore-case' in value)) {
    fail(path, `"${operator}" needs a string or { "equals-ignore-case": string }, got ${describe(value)}`);
  }
  return requireString(value['equals-ignore-case'], path, `${operator}.equals-ignore-case`);
}

function startsWith(value: string, prefix: string): boolean {
  return value.startsWith(prefix);
}

function endsWith(value: string, suffix: string): boolean {
  return value.endsWith(suffix);
}

function fold(value: string): string {
  return value.toLowerCase();
}

/**
 * `anything-but` only tests values that are present, so a missing field never matches it. A plain value list
 * excludes only values of its own type (strings or numbers); the prefix, suffix, ignore-case and wildcard forms
 * exclude only strings, so other JSON values (numbers, booleans, null) pass them, as in event-ruler.
 */
function compileAnythingBut(argument: unknown, path: string): ValueMatcher {
  if (typeof argument === 'string') return (v) => v !== argument;
  if (typeof argument === 'number') {
    requireComparableNumber(argument, path);
    return (v) => v !== argument;
  }
  if (Array.isArray(argument)) {
    if (argument.length === 0) fail(path, '"anything-but" needs at least one value');
    const allStrings = argument.every((item) => typeof item === 'string');
    const allNumbers = argument.every((item) => typeof item === 'number');
    if (!allStrings && !allNumbers) {
      fail(path, `"anything-but" lists must hold only strings or only numbers, got ${describe(argument)}`);
    }
    if (allNumbers) for (const item of argument as number[]) requireComparableNumber(item, path);
    const excluded = new Set<unknown>(argument);
    return (v) => !excluded.has(v);
  }
  if (isPlainObject(argument)) {
    const names = Object.keys(argument);
    if (names.length !== 1) fail(path, `"anything-but" takes one operator, got ${describe(argument)}`);
    const name = names[0]!;
    const raw = argument[name];
    const list = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string')) {
      fail(
        path,
        `"anything-but.${name}" needs a string or a non-empty list of strings, got ${describe(raw)}`,
      );
    }
    const values = list as string[];
    let excludes: (value: string) => boolean;
    switch (name) {
      case 'prefix':
      case 'suffix': {
        if (values.includes('')) fail(path, `"anything-but.${name}" must not be empty`);
        const test = name === 'prefix' ? startsWith : endsWith;
        excludes = (value) => values.some((item) => test(value, item));
        break;
      }
      case 'equals-ignore-case': {
        const folded = new Set(values.map(fold));
        excludes = (value) => folded.has(fold(value));
        break;
      }
      case 'wildcard': {
        const patterns = values.map((item) => parseWildcard(item, path));
        excludes = (value) => patterns.some((segments) => matchesWildcard(value, segments));
        break;
      }
      default:
        return fail(path, `unsupported "anything-but" operator "${name}"`);
    }
    return (v) => typeof v !== 'string' || !excludes(v);
  }
  return fail(
    path,
    `"anything-but" needs a string, a number, a list or an operator, got ${describe(argument)}`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Numeric
// ---------------------------------------------------------------------------------------------------------

function requireComparableNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(path, `expected a number, got ${describe(value)}`);
  if (Math.abs(value) > NUMERIC_LIMIT) fail(path, `numbers must be between -5e9 and 5e9, got ${value}`);
  if (Number(value.toFixed(6)) !== value)
    fail(path, `numbers may have at most 6 decimal places, got ${value}`);
  return value;
}

/** Only JSON numbers inside the supported range take part in numeric matching; strings never do. */
function isComparable(value: Leaf): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= NUMERIC_LIMIT;
}

/** `["=", x]`, `[">" | ">=", x]`, `["<" | "<=", x]` or `[">" | ">=", low, "<" | "<=", high]`. */
function compileNumeric(argument: unknown, path: string): ValueMatcher {
  if (!Array.isArray(argument) || argument.length === 0) {
    fail(path, `"numeric" needs an array such as [">", 0, "<=", 5], got ${describe(argument)}`);
  }
  const [operator, operand, upperOperator, upperOperand] = argument as unknown[];
  const bad = (why: string): never => fail(path, `bad "numeric" expression ${describe(argument)}: ${why}`);
  switch (operator) {
    case '=': {
      if (argument.length !== 2) bad('"=" takes exactly one number');
      const expected = requireComparableNumber(operand, path);
      return (v) => isComparable(v) && v === expected;
    }
    case '<':
    case '<=': {
      if (argument.length !== 2) bad(`"${operator}" takes exactly one number`);
      const high = requireComparableNumber(operand, path);
      return operator === '<' ? (v) => isComparable(v) && v < high : (v) => isComparable(v) && v <= high;
    }
    case '>':
    case '>=': {
      const low = requireComparableNumber(operand, path);
      const above = operator === '>' ? (v: number) => v > low : (v: number) => v >= low;
      if (argument.length === 2) return (v) => isComparable(v) && above(v);
      if (argument.length !== 4) bad('a range has the form [">", low, "<", high]');
      if (upperOperator !== '<' && upperOperator !== '<=') bad('the upper bound must use "<" or "<="');
      const high = requireComparableNumber(upperOperand, path);
      if (low >= high) bad('the lower bound must be below the upper bound');
      const below = upperOperator === '<' ? (v: number) => v < high : (v: number) => v <= high;
      return (v) => isComparable(v) && above(v) && below(v);
    }
    default:
      return bad(`unknown operator ${describe(operator)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Wildcard
// ---------------------------------------------------------------------------------------------------------

/**
 * Splits a wildcard into the literal text between its `*`s. `\*` is a literal asterisk and `\\` a literal
 * backslash; any other escape and `**` are rejected, as EventBridge does.
 */
function parseWildcard(pattern: string, path: string): string[] {
  const segments: string[] = [''];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      if (pattern[i + 1] === '*') fail(path, `consecutive wildcard characters in ${describe(pattern)}`);
      segments.push('');
    } else if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\')
        fail(path, `invalid escape at position ${i} in ${describe(pattern)}`);
      segments[segments.length - 1] += next;
      i++;
    } else {
      segments[segments.length - 1] += char;
    }
  }
  return segments;
}

/** Glob match without regular expressions, so a pattern cannot backtrack catastrophically. */
function matchesWildcard(value: string, segments: readonly string[]): boolean {
  const first = segments[0]!;
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1]!;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) {
    return false;
  }
  const end = value.length - last.length;
  let position = first.length;
  // Taking each middle segment at its leftmost place is optimal when `*` is the only metacharacter.
  for (const segment of segments.slice(1, -1)) {
    const index = value.indexOf(segment, position);
    if (index < 0 || index + segment.length > end) return false;
    position = index + segment.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------------------------------------

interface IpAddress {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  let value = 0n;
  for (const part of match.slice(1)) {
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (const [index, piece] of pieces.entries()) {
      if (index === pieces.length - 1 && piece.includes('.')) {
        // An embedded IPv4 tail, as in ::ffff:192.0.2.1, fills the last two groups.
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
        groups.push(Number.parseInt(piece, 16));
      }
    }
    return groups;
  };
  const head = toGroups(halves[0]!);
  const tail = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const group of [...head, ...new Array<number>(missing).fill(0), ...tail]) {
    value = (value << 16n) | BigInt(group);
  }
  return value;
}

function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

function compileCidr(cidr: string, path: string): ValueMatcher {
  const [address, length, ...rest] = cidr.split('/');
  const network = address === undefined ? undefined : parseIp(address);
  const prefixLength = length !== undefined && /^\d{1,3}$/.test(length) ? Number(length) : Number.NaN;
  if (rest.length > 0 || !network || !(prefixLength <= network.bits)) {
    fail(path, `"cidr" needs an IPv4 or IPv6 block such as "10.0.0.0/24", got ${describe(cidr)}`);
  }
  const shift = BigInt(network.bits - prefixLength);
  const networkBits = network.value >> shift;
  return (v) => {
    const ip = typeof v === 'string' ? parseIp(v) : undefined;
    return ip !== undefined && ip.bits === network.bits && ip.value >> shift === networkBits;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

/** Every leaf of the event by dotted path, with the array elements it sits in. Empty arrays add nothing. */
function flattenEvent(event: Record<string, unknown>): Map<string, EventField[]> {
  const fields = new Map<string, EventField[]>();
  let nextArrayId = 0;
  const visit = (value: unknown, path: string, membership: Membership): void => {
    if (Array.isArray(value)) {
      const arrayId = nextArrayId++;
      for (const [index, element] of value.entries())
        visit(element, path, new Map(membership).set(arrayId, index));
    } else if (isPlainObject(value)) {
      for (const [name, child] of Object.entries(value)) visit(child, joinPath(path, name), membership);
    } else if (isLeaf(value)) {
      const list = fields.get(path);
      if (list) list.push({ value, membership });
      else fields.set(path, [{ value, membership }]);
    }
  };
  for (const [name, child] of Object.entries(event)) visit(child, name, new Map());
  return fields;
}

/** Joins two memberships, or returns undefined when they pick different elements of one array. */
function mergeMembership(a: Membership, b: Membership): Membership | undefined {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const merged = new Map(a);
  for (const [arrayId, index] of b) {
    const existing = merged.get(arrayId);
    if (existing === undefined) merged.set(arrayId, index);
    else if (existing !== index) return undefined;
  }
  return merged;
}

/**
 * Backtracking search for an array-consistent choice of one event value per path. Paths are visited in sorted
 * order and an `exists: false` path is checked against the values still consistent at that point, which is
 * the order event-ruler's state machine uses.
 */
function matchesSubPattern(
  subPattern: SubPattern,
  fields: ReadonlyMap<string, readonly EventField[]>,
): boolean {
  const paths = [...subPattern.keys()].sort();
  const step = (index: number, membership: Membership): boolean => {
    const path = paths[index];
    if (path === undefined) return true;
    const rule = subPattern.get(path)!;
    const candidates = fields.get(path) ?? [];
    if (rule.absenceAllowed) {
      const present = candidates.some((field) => mergeMembership(membership, field.membership) !== undefined);
      if (!present && step(index + 1, membership)) return true;
    }
    for (const field of candidates) {
      const merged = mergeMembership(membership, field.membership);
      if (merged === undefined) continue;
      if (rule.matchers.some((matcher) => matcher(field.value)) && step(index + 1, merged)) return true;
    }
    return false;
  };
  return step(0, new Map());
}
