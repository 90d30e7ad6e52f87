/**
 * Pagination over small, fully-read lists (partners, actions, meetings): an opaque cursor that encodes the
 * position of the next item. Lists backed by a DynamoDB query use the query's own key instead.
 */
import { ValidationFailed } from './errors.ts';

/** One page of `items` from `cursor`, and the cursor of the next page if there is one. */
export function paginate<T>(
  items: readonly T[],
  options: { limit: number; cursor?: string },
): { page: T[]; cursor?: string } {
  const start = options.cursor === undefined ? 0 : decodeOffset(options.cursor);
  const next = start + options.limit;
  return { page: items.slice(start, next), cursor: next < items.length ? encodeOffset(next) : undefined };
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeOffset(cursor: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Fall through to the validation error.
  }
  throw new ValidationFailed([{ field: 'cursor', message: 'Not a cursor this API returned' }]);
}
