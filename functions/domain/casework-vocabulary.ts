/**
 * The fixed words of casework: why a case closes, why an agency declines a referral, and how each reads to
 * the enquirer or to staff. Free text never stands in for these: the enquirer's status page, emails and event
 * payloads use only these codes and their plain-English wording.
 */

/** Why a case was closed. */
export const CLOSURE_REASONS = [
  'resolved',
  'referred-elsewhere',
  'no-further-action',
  'duplicate',
  'withdrawn',
  'no-response',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

/** The outcome of a closure, in words the enquirer reads on the status page and in the closure email. */
export const CLOSURE_OUTCOMES: Record<ClosureReason, string> = {
  resolved: 'The agencies involved have dealt with the matter you raised.',
  'referred-elsewhere': 'Your enquiry has been passed to another organisation better placed to help.',
  'no-further-action':
    'The agencies involved have looked into your enquiry and decided no further action is needed.',
  duplicate: 'Your enquiry is being handled together with another report of the same matter.',
  withdrawn: 'Your enquiry was withdrawn.',
  'no-response': 'We could not reach you to take your enquiry further.',
};

/** Why an agency declined a referral. */
export const DECLINE_REASONS = [
  'not-ours',
  'duplicate',
  'already-known',
  'insufficient-information',
  'other',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** A decline reason as CSU staff read it. */
export const DECLINE_REASON_LABELS: Record<DeclineReason, string> = {
  'not-ours': 'Not for this agency',
  duplicate: 'Duplicate of another referral',
  'already-known': 'Already known to this agency',
  'insufficient-information': 'Not enough information to act on',
  other: 'Other reason',
};
