import { createHash, randomBytes } from 'node:crypto';
import { enquiryReceived } from '../../events/enquiry-received.ts';
import {
  type Enquiry,
  type NewEnquiry,
  normaliseEmail,
  normalisePhone,
  type SubjectKeys,
  wantsAcknowledgement,
} from '../enquiry.ts';
import { CategoryRetired, IdempotencyKeyInUse, IdempotencyKeyReused, UnknownCategory } from '../errors.ts';
import {
  type Clock,
  type EnquiryRepository,
  type EventPublisher,
  IdempotencyKeyTaken,
  type PersonalDataHasher,
  type ReferenceDataRepository,
} from '../ports.ts';

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

export interface SubmitEnquiryDeps {
  readonly enquiries: EnquiryRepository;
  /** Only to check the category; the api function serves it from a short-lived cache. */
  readonly referenceData: Pick<ReferenceDataRepository, 'getCategory'>;
  readonly events: EventPublisher;
  readonly clock: Clock;
  /** Keys the hashes by which acknowledgements are counted and a subject access request finds the enquiry. */
  readonly personalData: PersonalDataHasher;
  /** Source of status tokens; defaults to 32 random bytes. */
  readonly newStatusToken?: () => string;
}

export interface SubmitEnquiryInput {
  readonly enquiry: NewEnquiry;
  /** The client's Idempotency-Key header, if sent. */
  readonly idempotencyKey?: string;
}

export interface SubmitEnquiryResult {
  readonly enquiry: Enquiry;
  /** True when this was a retry answered from the first request's result. */
  readonly replayed: boolean;
  /** False when the enquiry is stored but EnquiryReceived could not be published yet (the sweeper will). */
  readonly published: boolean;
  readonly publishError?: unknown;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Canonical JSON (sorted keys) so the same body always fingerprints the same, whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Acknowledgements one address receives in any 24 hours (a rolling window, not a calendar day). Enquiries
 * beyond it are stored and routed as usual but not acknowledged: nobody can use the form to flood someone
 * else's inbox.
 */
export const MAX_ACKNOWLEDGEMENTS_PER_ADDRESS = 3;
/** The rolling window of that limit. */
export const ACKNOWLEDGEMENT_WINDOW_SECONDS = 24 * 60 * 60;

/** Keyed hashes of the enquirer's normalised email and phone, for subject access and acknowledgements. */
export async function subjectKeysOf(
  hasher: PersonalDataHasher,
  contact: NewEnquiry['contact'],
): Promise<SubjectKeys | undefined> {
  const [email, phone] = await Promise.all([
    contact.email ? hasher.hash('email', normaliseEmail(contact.email)) : undefined,
    contact.phone ? hasher.hash('phone', normalisePhone(contact.phone)) : undefined,
  ]);
  if (!email && !phone) return undefined;
  return { ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
}

/**
 * Gives the address back the acknowledgement place recorded for an enquiry that was not stored. Best effort:
 * the place frees itself when the window passes, and the error that stopped the enquiry is what matters.
 */
async function giveAcknowledgementBack(
  deps: Pick<SubmitEnquiryDeps, 'enquiries'>,
  recorded: {
    readonly subjectKeys?: { readonly email?: string };
    readonly acknowledgementRecorded?: boolean;
  },
  at: Date,
): Promise<void> {
  if (!recorded.acknowledgementRecorded || !recorded.subjectKeys?.email) return;
  await deps.enquiries.releaseAcknowledgement(recorded.subjectKeys.email, at).catch(() => undefined);
}

/** Stores a new enquiry (marked for the outbox), answers retries with the first result, and announces it on the bus. */
export async function submitEnquiry(
  deps: SubmitEnquiryDeps,
  input: SubmitEnquiryInput,
): Promise<SubmitEnquiryResult> {
  const keyHash = input.idempotencyKey === undefined ? undefined : sha256(input.idempotencyKey);
  const requestHash = sha256(canonicalJson(input.enquiry));

  if (keyHash) {
    const replay = await replayIfKnown(deps, keyHash, requestHash);
    if (replay) return replay;
  }

  const category = await deps.referenceData.getCategory(input.enquiry.category);
  if (!category) throw new UnknownCategory(input.enquiry.category);
  // Retired: off the form, and refused by name, so a client with an old list learns why.
  if (category.retired) throw new CategoryRetired(category.code, category.title);

  const now = deps.clock();
  const receivedAt = now.toISOString();
  // Hashed and counted in parallel with the reference, so neither the key (fetched on a cold start) nor the
  // limit costs an extra round trip on the way.
  const [numbered, hashed] = await Promise.allSettled([
    deps.enquiries.nextReference(now.getUTCFullYear()),
    subjectKeysOf(deps.personalData, input.enquiry.contact).then(async (subjectKeys) => ({
      subjectKeys,
      acknowledgementRecorded:
        wantsAcknowledgement(input.enquiry) && subjectKeys?.email
          ? await deps.enquiries.recordAcknowledgement(subjectKeys.email, {
              at: now,
              limit: MAX_ACKNOWLEDGEMENTS_PER_ADDRESS,
              seconds: ACKNOWLEDGEMENT_WINDOW_SECONDS,
            })
          : undefined,
    })),
  ]);
  if (numbered.status === 'rejected') {
    // No enquiry, so no acknowledgement: a client retrying a failure must not use up the address's places.
    if (hashed.status === 'fulfilled') await giveAcknowledgementBack(deps, hashed.value, now);
    throw numbered.reason;
  }
  if (hashed.status === 'rejected') throw hashed.reason;
  const reference = numbered.value;
  const { subjectKeys, acknowledgementRecorded } = hashed.value;
  const enquiry: Enquiry = {
    ...input.enquiry,
    ...(subjectKeys ? { subjectKeys } : {}),
    ...(keyHash ? { idempotencyKeyHash: keyHash } : {}),
    ...(acknowledgementRecorded === false ? { acknowledgementLimited: true } : {}),
    reference,
    sensitive: category.sensitive,
    status: 'received',
    version: 1,
    statusToken: (deps.newStatusToken ?? defaultStatusToken)(),
    receivedAt,
    updatedAt: receivedAt,
    referrals: [],
    needsTriage: false,
    publicUpdates: [],
  };

  try {
    // Stored with its outbox mark, which only the router clears on receiving EnquiryReceived: until then the
    // outbox sweeper republishes it, whether the publish below failed or the event was lost after it.
    await deps.enquiries.create(
      enquiry,
      keyHash
        ? {
            keyHash,
            requestHash,
            reference,
            expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_KEY_TTL_SECONDS,
          }
        : undefined,
    );
  } catch (error) {
    // This enquiry was not stored, so its acknowledgement will not be sent: give the address its place back.
    await giveAcknowledgementBack(deps, hashed.value, now);
    // A concurrent request with the same key won the race: answer as it did, or, while it is still being
    // written, ask the client to retry.
    if (error instanceof IdempotencyKeyTaken && keyHash) {
      const replay = await replayIfKnown(deps, keyHash, requestHash);
      if (replay) return replay;
      throw new IdempotencyKeyInUse();
    }
    throw error;
  }

  try {
    await deps.events.publish([enquiryReceived(enquiry, receivedAt)]);
  } catch (publishError) {
    // The enquiry is safely stored and still marked; the outbox sweeper will publish it.
    return { enquiry, replayed: false, published: false, publishError };
  }
  return { enquiry, replayed: false, published: true };
}

async function replayIfKnown(
  deps: SubmitEnquiryDeps,
  keyHash: string,
  requestHash: string,
): Promise<SubmitEnquiryResult | undefined> {
  const record = await deps.enquiries.findIdempotencyRecord(keyHash);
  if (!record) return undefined;
  // An erased enquiry's record keeps no fingerprint of its request (see erase-enquiry.ts): nothing can match.
  if (record.requestHash !== requestHash) throw new IdempotencyKeyReused();
  const enquiry = await deps.enquiries.get(record.reference);
  // The record and the enquiry are written in one transaction, so this only fails after TTL removed one.
  if (!enquiry) return undefined;
  return { enquiry, replayed: true, published: true };
}

function defaultStatusToken(): string {
  return randomBytes(32).toString('base64url');
}
