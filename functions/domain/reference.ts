/** Human-readable enquiry references, e.g. `CSU-2026-000123`: a yearly sequence the public can read out. */

// At most 10 digits: a billion enquiries a year, and never a key DynamoDB refuses as too long.
const REFERENCE_PATTERN = /^CSU-(\d{4})-(\d{6,10})$/;

/** Formats the `sequence`th enquiry of `year` as a reference. */
export function formatReference(year: number, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`Invalid sequence ${sequence}`);
  return `CSU-${year}-${String(sequence).padStart(6, '0')}`;
}

/** True when `value` has the shape of a reference; cheap rejection before any database read. */
export function isReference(value: string): boolean {
  return REFERENCE_PATTERN.test(value);
}
