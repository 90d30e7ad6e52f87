/**
 * Open311 clients: the council sites, FixMyStreet installations and 311 apps allowed to submit enquiries through
 * the GeoReport v2 endpoint, each with its own API key. A partnership admin issues a key, which is shown once
 * and stored only as a hash, and can revoke it; every enquiry a client submits records which client it was.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { RecordNotFound } from './errors.ts';
import type { Clock } from './ports.ts';

/** A client as stored and listed (never its key). */
export interface Open311Client {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  /** Set once revoked: its key is refused from then on. */
  readonly revokedAt?: string;
}

/** Where clients are kept, found by the hash of their key. */
export interface Open311ClientRepository {
  create(client: Open311Client, keyHash: string): Promise<void>;
  /** The client whose key hashes to `keyHash`, revoked or not. */
  findByKeyHash(keyHash: string): Promise<Open311Client | undefined>;
  /** Every client, oldest first. */
  list(): Promise<Open311Client[]>;
  /** Marks the client revoked at `at`; false when there is no such client. Revoking twice keeps the first time. */
  revoke(id: string, at: string): Promise<boolean>;
}

/** Keys start with this, so a leaked one is recognisable (and secret scanners can be taught it). */
export const OPEN311_KEY_PREFIX = 'csp311_';

/** The key's SHA-256: keys are 256 random bits, so a plain hash cannot be reversed by guessing. */
export function hashOpen311Key(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** Issues a key to a new client; the key is in the result and nowhere else. */
export async function issueOpen311Client(
  deps: { readonly clients: Open311ClientRepository; readonly clock: Clock },
  name: string,
): Promise<{ client: Open311Client; apiKey: string }> {
  const apiKey = `${OPEN311_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const client: Open311Client = { id: randomUUID(), name, createdAt: deps.clock().toISOString() };
  await deps.clients.create(client, hashOpen311Key(apiKey));
  return { client, apiKey };
}

/** The client a key belongs to, if the key is well formed, known and not revoked. */
export async function authenticateOpen311Client(
  clients: Pick<Open311ClientRepository, 'findByKeyHash'>,
  apiKey: string | undefined,
): Promise<Open311Client | undefined> {
  if (!apiKey?.startsWith(OPEN311_KEY_PREFIX) || apiKey.length > 100) return undefined;
  const client = await clients.findByKeyHash(hashOpen311Key(apiKey));
  return client && !client.revokedAt ? client : undefined;
}

/** Revokes a client's key at once. */
export async function revokeOpen311Client(
  deps: { readonly clients: Open311ClientRepository; readonly clock: Clock },
  id: string,
): Promise<void> {
  if (!(await deps.clients.revoke(id, deps.clock().toISOString())))
    throw new RecordNotFound(`Open311 client ${id}`);
}
